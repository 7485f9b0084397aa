/* net_vrrp: raw IP protocol 112 sockets, one per (interface, family), and protocol 51 (IPsec
 * AH, net_vrrp_open_ah) ones for auth_type = "ah". Joins
 * the VRRP groups on demand (multicast instances), receives unicast adverts
 * too, sends with TTL / hop limit 255 and multicast loop off, and
 * receives with the TTL, destination and ifindex from the IP header or cmsg. */
#ifndef VIPD_NET_VRRP_H
#define VIPD_NET_VRRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "vipd/addr.h"
#include "vipd/vrrp_pkt.h"

struct vrrp_sock;

/* Open a non-blocking raw socket for af on interface ifindex/ifname, bound to it. It receives
 * unicast adverts at once, multicast ones after net_vrrp_join. NULL with a reason
 * in err on failure. */
struct vrrp_sock *net_vrrp_open(int af, unsigned ifindex, const char *ifname, char *err,
                                size_t errlen);

/* The same for auth_type = "ah": an IPv4 raw socket of protocol 51 (IPsec AH) with IP_HDRINCL,
 * so net_vrrp_send takes whole datagrams (vrrp_ah_encode) and net_vrrp_recv hands out the
 * message after the AH header, the datagram in meta->ah_pkt. */
struct vrrp_sock *net_vrrp_open_ah(unsigned ifindex, const char *ifname, char *err, size_t errlen);

/* The most groups one socket joins: Linux's default net.ipv4.igmp_max_memberships. */
#define NET_VRRP_GROUPS 20

/* Make the socket a member of exactly groups[0..n) on its interface (n = 0: none): leave the
 * others, join the new ones. 0, or -1 with errno (ENOBUFS: n > NET_VRRP_GROUPS) when a join
 * failed; the other joins are done. */
int net_vrrp_join(struct vrrp_sock *s, const union vip_in *groups, size_t n);

/* True while the socket is a member of a group. */
bool net_vrrp_joined(const struct vrrp_sock *s);

/* Make s send-only, for a VMAC: nothing it receives is queued, and an IPv6 source address may
 * belong to another interface (the parent's link-local). Never join a group on it. 0 or -1. */
int net_vrrp_send_only(struct vrrp_sock *s);

/* Leave the groups and close. */
void net_vrrp_close(struct vrrp_sock *s);

/* The socket descriptor, to watch for readability. */
int net_vrrp_fd(const struct vrrp_sock *s);

/* Receive one packet (read in batches). Returns 1 with *meta, *msg and *msg_len set (msg is valid
 * until the next call), or 1 with *reason != VRRP_RX_OK for a packet whose IP header is bad, 0
 * when nothing is pending, -1 on error (errno). */
int net_vrrp_recv(struct vrrp_sock *s, struct vrrp_rx_meta *meta, const uint8_t **msg,
                  size_t *msg_len, enum vrrp_reason *reason);

/* Take the arrival interface (*ifindex, 0 when unknown), destination, hop limit and arrival time
 * from the cmsgs of a received message of family af into meta. VRRP_RX_NO_HOPLIMIT for an IPv6 one that
 * carries no hop limit (never accepted unchecked), else VRRP_RX_OK. */
enum vrrp_reason net_vrrp_cmsgs(struct msghdr *mh, int af, struct vrrp_rx_meta *meta,
                                unsigned *ifindex);

/* True while packets already read from the kernel wait in the batch: the socket may not poll
 * readable for them, so the reader must go on. */
bool net_vrrp_buffered(const struct vrrp_sock *s);

/* Send a VRRP message from src to dst (the group or a unicast peer) with TTL / hop limit 255.
 * 0 or -1 with errno. */
int net_vrrp_send(struct vrrp_sock *s, const union vip_in *src, const union vip_in *dst,
                  const uint8_t *msg, size_t len);

/* net_vrrp_send with TTL / hop limit ttl (1..255) for this message alone (unicast_ttl); 0 keeps
 * the socket's 255. */
int net_vrrp_send_ttl(struct vrrp_sock *s, const union vip_in *src, const union vip_in *dst,
                      const uint8_t *msg, size_t len, int ttl);

/* Messages one net_vrrp_flush sends per sendmmsg call at most. */
#define NET_VRRP_TX_BATCH 64

/* The result of a queued message, told at its flush: err 0 sent whole, else an errno. tag is the
 * one given to net_vrrp_queue (NULL after net_vrrp_forget); msg is valid during the call. */
typedef void (*net_vrrp_sent_cb)(void *arg, void *tag, const uint8_t *msg, size_t len, int err);

/* Queue a copy of what net_vrrp_send_ttl would send, for the next net_vrrp_flush (a full queue
 * is flushed first): a burst goes to the kernel in one sendmmsg. cb(arg, tag, ...) is told the
 * result. 0, or -1 with errno (ENOMEM, EMSGSIZE) when nothing was queued. */
int net_vrrp_queue(struct vrrp_sock *s, const union vip_in *src, const union vip_in *dst,
                   const uint8_t *msg, size_t len, int ttl, void *tag, net_vrrp_sent_cb cb,
                   void *arg);

/* Send what s has queued, NET_VRRP_TX_BATCH per sendmmsg, telling each message's result.
 * net_vrrp_close flushes too. */
void net_vrrp_flush(struct vrrp_sock *s);

/* net_vrrp_flush every socket with queued messages: once at the end of each loop iteration. */
void net_vrrp_flush_all(void);

/* The queued messages of tag (a sender about to go away) still go, their results untold. */
void net_vrrp_forget(void *tag);

/* Messages queued on s, not yet flushed. */
size_t net_vrrp_queued(const struct vrrp_sock *s);

/* The send system calls s has made (sendmsg and sendmmsg): a cost figure for tests. */
unsigned long net_vrrp_tx_calls(const struct vrrp_sock *s);

#endif
