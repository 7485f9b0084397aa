# bash completion for vipctl(8): its options, its commands, the debug categories, the events
# options, and the names of the instances of the running vipd (asked with `vipctl names`, on the
# socket given by -S/--socket if any). Installed in bash-completion's completions directory.

# The instance names of the vipd on socket "$@" (-S PATH or nothing), one per line.
_vipctl_instances()
{
	vipctl "$@" names 2>/dev/null
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
	local commands="status stats metrics reload demote promote garp debug peers events history names"
	local i cmd="" sock=() ncmd=0
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-S | --socket) sock=(-S "${words[i + 1]}"); i=$((i + 1)) ;;
		--socket=*) sock=(-S "${words[i]#--socket=}") ;;
		--since) i=$((i + 1)) ;;
		-*) ;;
		*) [[ -z $cmd ]] && cmd=${words[i]} || ncmd=$((ncmd + 1)) ;;
		esac
	done
	if [[ $prev == -S || $prev == --socket ]]; then
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
	fi
	# a sequence number: nothing to offer
	[[ $prev == --since ]] && return
	case $cmd in
	"")
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "-S --socket --json -V --version -h --help" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
		fi
		;;
	demote | promote | garp | peers | history)
		((ncmd == 0)) && mapfile -t COMPREPLY < <(compgen -W "$(_vipctl_instances "${sock[@]}")" -- "$cur")
		;;
	events)
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "--follow --since --json" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_vipctl_instances "${sock[@]}")" -- "$cur")
		fi
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
