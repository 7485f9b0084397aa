/* announce_tx: a queue of announcement frames (gratuitous ARP, unsolicited NA) for one AF_PACKET
 * socket, sent with one sendmmsg per ANNOUNCE_TX_BATCH at the flush: the takeover of many
 * instances in one loop iteration costs one system call, not one per address. */
#ifndef VIPD_ANNOUNCE_TX_H
#define VIPD_ANNOUNCE_TX_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* Frames one sendmmsg takes at most. */
#define ANNOUNCE_TX_BATCH 64

struct announce_tx;

/* The result of a queued frame, told at its flush: err 0 sent whole, else an errno. tag is the
 * one given when it was queued (NULL after announce_tx_forget). */
typedef void (*announce_tx_cb)(void *arg, void *tag, int err);

/* A queue for the socket fd (announce_open), telling results to cb(arg, ...); NULL (ENOMEM). */
struct announce_tx *announce_tx_new(int fd, announce_tx_cb cb, void *arg);

/* Flush, then free q (the socket stays open). NULL is harmless. */
void announce_tx_free(struct announce_tx *q);

/* Queue one gratuitous ARP for ip from mac on ifindex (a full queue is flushed first). 0, or -1
 * with errno. */
int announce_tx_garp(struct announce_tx *q, unsigned ifindex, const uint8_t mac[6],
                     struct in_addr ip, void *tag);

/* Queue one unsolicited NA (R=1) for ip from mac on ifindex, as announce_tx_garp. */
int announce_tx_na(struct announce_tx *q, unsigned ifindex, const uint8_t mac[6],
                   const struct in6_addr *ip, void *tag);

/* Send what q holds, ANNOUNCE_TX_BATCH frames per sendmmsg, telling each frame's result. */
void announce_tx_flush(struct announce_tx *q);

/* The queued frames of tag (a sender about to go away) still go, their results untold. */
void announce_tx_forget(struct announce_tx *q, void *tag);

/* Frames queued, not yet flushed. */
size_t announce_tx_queued(const struct announce_tx *q);

/* sendmmsg calls made: a cost figure for tests. */
unsigned long announce_tx_calls(const struct announce_tx *q);

#endif
