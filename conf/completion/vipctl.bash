# bash completion for vipctl(8): its options, its commands, the debug categories, and the names
# of the instances of the running vipd (asked with `vipctl --json status`, on the socket given
# by -S/--socket if any). Installed in bash-completion's completions directory.

# The instance names of the vipd on socket "$@" (-S PATH or nothing): the "name" members of the
# objects of the top-level "instances" list (depth 3 of the JSON; checks have names too, deeper).
_vipctl_instances()
{
	vipctl "$@" --json status 2>/dev/null | awk '
	{ buf = buf $0 "\n" }
	END {
		n = length(buf); d = 0; last = ""; want = 0
		for (i = 1; i <= n; i++) {
			c = substr(buf, i, 1)
			if (c == "\"") {
				s = ""
				for (i++; i <= n && (c = substr(buf, i, 1)) != "\""; i++) {
					if (c == "\\") { i++; c = substr(buf, i, 1) }
					s = s c
				}
				if (want) print s
				want = 0; last = d == 3 ? s : ""
			} else if (c == "{" || c == "[") { d++; last = ""; want = 0 }
			else if (c == "}" || c == "]") { d--; last = ""; want = 0 }
			else if (c == ":") { want = d == 3 && last == "name"; last = "" }
			else if (c !~ /[ \t\n]/) { last = ""; want = 0 }
		}
	}'
}

_vipctl()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null; then
		_init_completion || return
	else
		cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
	fi
	local commands="status stats metrics reload demote promote garp debug"
	local i cmd="" sock=() ncmd=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-S | --socket) sock=(-S "${words[i + 1]}"); i=$((i + 1)) ;;
		--socket=*) sock=(-S "${words[i]#--socket=}") ;;
		-*) ;;
		*) [[ -z $cmd ]] && cmd=${words[i]} || ncmd=$((ncmd + 1)) ;;
		esac
	done
	if [[ $prev == -S || $prev == --socket ]]; then
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
	fi
	case $cmd in
	"")
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-S --socket --json -V --version -h --help" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
		fi
		;;
	demote | promote | garp)
		((ncmd == 0)) && mapfile -t COMPREPLY < <(compgen -W "$(_vipctl_instances "${sock[@]}")" -- "$cur")
		;;
	debug)
		case $ncmd in
		0) mapfile -t COMPREPLY < <(compgen -W "packets timers netlink checks ctl all" -- "$cur") ;;
		1) mapfile -t COMPREPLY < <(compgen -W "on off" -- "$cur") ;;
		esac
		;;
	esac
}
complete -F _vipctl vipctl
