"""vipd-import-keepalived - convert the VRRP part of a keepalived.conf into a vipd.conf.

    vipd-import-keepalived [-o FILE] [-i CONFIG_ID] [--vipd PATH | --no-check] KEEPALIVED.CONF|-

The vipd.conf goes to stdout (or FILE); `-` reads the keepalived.conf from stdin. stderr
lists, one per line as `FILE:LINE: KEYWORD: reason`, every keepalived statement that is not
carried over as written. A line saying `not carried over` names a keepalived feature the
converted file does not have (a dropped script, group, option or block); any other line is a
note: the converted file does what keepalived does (a keepalived adjustment applied, a name
made a vipd name, a statement keepalived ignores too).
Exit status:
  0  converted; every keepalived feature carried over (notes allowed)
  1  refused: the file cannot be read or parsed (a `FILE:LINE: error:` line says where)
  2  usage error
  3  converted, but a statement could not be carried over without changing what the nodes
     do (a `FILE:LINE: KEYWORD: error: reason` line); it wins over 4
  4  converted, but at least one keepalived feature was not carried over (each on a
     `not carried over` line)
With 3 and 4 the vipd.conf is still written.

The reader follows keepalived 2.2's own parser: `#` and `!` comments, `"` quoting, `{ }`
anywhere on a line, `include` (glob and {a,b}, relative to the including file),
`@ID` conditional lines (-i sets the config id, default: the host name up to the first
dot, as keepalived does) and `$NAME=VALUE` parameters (multi-line ones too). `~SEQ` and
`~LST` lines are reported and skipped.

The converted file is checked by `vipd --check` when a vipd binary is found (--vipd, else
the vipd next to this script, else on PATH; --no-check: none): each error vipd finds is
listed as `FILE:LINE: KEYWORD: vipd --check: ...` at the keepalived line it comes from. The
importer leaves vipd's ranges to vipd: a value keepalived accepts but vipd does not is
written as it is, and only that check names it (these lines leave the exit status as it is).

Mapping decisions (see README "Moving from keepalived"):
  * keepalived defaults to VRRP version 2 for IPv4: `version` is always written.
  * `state` has no vipd equivalent (the highest priority becomes master): a note.
    With no `priority`, keepalived gives `state MASTER` priority 255: so does this tool.
  * keepalived's own adjustments are applied and reported: nopreempt/preempt_delay are
    cleared by `state MASTER`, preempt_delay by nopreempt, authentication is ignored in
    version 3, advert_int is rounded, weighted tracking is ignored in sync group members.
  * A sync group's own tracking is written on each member, with its weight (0 when a member
    has priority 255), as keepalived's sync_group_tracking_init adds it to each member.
  * An IPv6 address list is kept as keepalived wrote it: keepalived sends the list as
    written and drops an advert whose list differs from its own, and vipd runs an IPv6
    instance without a link-local first as keepalived does (reported, and warned by
    vipd --check), so a mixed pair elects one master.
  * unicast: keepalived does not check the TTL of unicast adverts, so
    `unicast_ttl_check = false` is written unless every peer has `min_ttl 255`.
    `unicast_src_ip` and `mcast_src_ip` (keepalived reads them alike) become `unicast_source`
    in unicast mode, `mcast_source` in multicast mode; `vrrp_mcast_group4/6` become the
    `mcast_group` of each multicast instance of that family. A unicast peer written with
    its host prefix length (/32, /128) is that host; another length, a range, a peer of the
    other family or an instance left without peers is an error (exit status 3).
  * virtual_ipaddress_excluded becomes excluded_addresses; address options dev, label,
    scope, brd, noprefixroute and no_track are carried (label and brd only on IPv4, as vipd takes
    them); an instance without addresses converts (adverts with none).
  * A `track_script` weight that differs from its vrrp_script becomes a copy of the check
    named SCRIPT_wWEIGHT (vipd weights belong to the check); so do `track_process` and
    `track_file` weights.
  * `vrrp_track_process` becomes a `process` check (a name alone: the process name; with
    parameters or full_command: the command line), `track_file`/`vrrp_track_file` a `file`
    check with `missing = "zero"` (keepalived reads a missing or non-numeric file as 0),
    `vrrp_startup_delay` the global `startup_delay`, `vrrp_rt_priority` the global
    `realtime_priority`, `vrrp_no_swap` `lock_memory = true`, `vrrp_garp_interval` and
    `vrrp_gna_interval` each instance's `garp_interval` (by its family), a `garp_group` an
    entry of `garp_groups` (the pace of its interfaces, shared by their instances),
    `garp_master_refresh_repeat` `garp_refresh_repeat` (1, keepalived's default, wherever
    `garp_master_refresh` is set without it).
  * keepalived runs a vrrp_script with /bin/sh, vipd without a shell: a bash /dev/tcp probe
    (`</dev/tcp/HOST/PORT`, `bash -c '...'`, after `timeout N`) becomes a `tcp` check with
    the script's interval, timeout, rise, fall and weight; other shell syntax outside quotes
    (| && ; redirections) stays an `exec` check, listed as not carried over.
  * A key vipd would default to keepalived's value is left out (rules.py VIPD_IMPLIED);
    with a vipd at hand, its `--dump-config` says where its default differs, and the key
    is written.
Keywords vipd implies without a key (native_ipv6, check_unicast_src, preempt, accept)
are not reported.

The package: reader.py (keepalived text -> statement tree), rules.py (the keyword tables),
convert.py and instance.py (statements -> vipd keys), writer.py (vipd.conf text, vipd
--check), cli.py (options, the run); values.py holds the small value helpers.
"""
