#!/usr/bin/env zsh
# zsh_complete.zsh DIR LINE: the matches zsh's completion offers for a Tab at the end of LINE,
# one per line, with DIR first in fpath (conf/completion for vipctl's _vipctl). An interactive
# zsh -f runs in a pseudo-terminal (zsh/zpty), since completion functions only run inside the
# line editor; compadd is wrapped to print each match it adds as "HIT:MATCH". Used by
# 86-package-failover.sh; DEBUG=1 prints the terminal's output on stderr.
emulate -L zsh
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "PS1='' PS2='' RPS1=''; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd() { local -a __h; builtin compadd -O __h "$@"; print -r -- ${(j::)${(@)__h/(#b)(*)/$'"'"'\n'"'"'HIT:$match[1]}} >&2; builtin compadd "$@" }'
zpty -w z 'zstyle ":completion:*" list-prompt ""; zstyle ":completion:*" select-prompt ""; setopt extendedglob'
# -n: no newline, the line is completed, never run
zpty -w -n z "${2}"$'\t'
# zle completes nothing while more input is pending: give the Tab its time alone
sleep 1
zpty -w z $'\C-u''print END''OF''RUN'
out="" idle=0
# until the marker's output (its command line echoes it with quotes), at most 10 s of silence
while ((idle < 100)); do
	if zpty -r -t z l 2>/dev/null; then
		out+=$l idle=0
		[[ $out == *$'\n'ENDOFRUN* ]] && break
	else
		sleep 0.1
		((idle++))
	fi
done
zpty -d z
[[ -n ${DEBUG:-} ]] && print -r -- "$out" | cat -v >&2
print -r -- "$out" | tr -d '\r\a' | sed -n 's/^HIT://p' | sort -u
