"""The keepalived side: text -> a tree of statements, as keepalived 2.2's parser.c reads it.

`#` and `!` comments, `"` quoting, `{ }` anywhere on a line, `include` (glob and {a,b},
relative to the including file), `@ID` conditional lines, `$NAME=VALUE` parameters (multi-line
ones too); `~SEQ`/`~LST` lines are reported and skipped. Every statement keeps its file, line
and reading order, so that a warning (or a `vipd --check` error) names the keepalived line.
"""

from __future__ import annotations

import glob
import os
import re
import sys
from typing import Callable, Dict, List, Optional, Tuple, Union

MAX_LINE = 65536
MAX_INCLUDE_DEPTH = 16
MAX_EXPANSIONS = 100000

Where = Tuple[str, int]                         # (file, line); line 0: the file as a whole
# report(where, keyword, message, seq): one line on stderr, in reading order (seq)
Report = Callable[..., None]


class ParseError(Exception):
    """A keepalived config the importer cannot read: the run ends with FILE:LINE: error."""

    def __init__(self, where: Where, msg: str) -> None:
        super().__init__(msg)
        self.where, self.msg = where, msg


class Node:
    """One keepalived statement: keyword, arguments, where it was, and its { } block."""
    __slots__ = ('kw', 'args', 'file', 'line', 'seq', 'block', 'raw')

    def __init__(self, words: List[str], file: str, line: int, seq: int, raw: str = '') -> None:
        self.kw: str = words[0]
        self.args: List[str] = words[1:]
        self.file, self.line, self.seq, self.raw = file, line, seq, raw
        self.block: Optional[List[Node]] = None

    def command(self) -> List[str]:
        """The words of a script line as keepalived reads them (quotes, escapes)."""
        return split_escaped(self.raw)[1:]

    def text(self) -> str:
        return ' '.join([self.kw] + self.args)


Brace = Tuple[str, str, int, int]               # ('{' or '}', file, line, seq)


def decomment(s: str, where: Where) -> str:
    """Strip comments (# or ! outside "") and surrounding blanks; \\# and \\! are literal."""
    s = s.lstrip(' \t')
    out: List[str] = []
    quote, i = False, 0
    while i < len(s):
        c = s[i]
        if c == '"':
            quote = not quote
        elif c == '\\' and i + 1 < len(s):
            if not quote and s[i + 1] in '#!':
                out.append(s[i + 1])
            else:
                out.append(s[i:i + 2])
            i += 2
            continue
        elif c in '#!' and not quote:
            break
        out.append(c)
        i += 1
    if quote:
        raise ParseError(where, 'unterminated quote')
    return ''.join(out).rstrip(' \t')


def split_words(piece: str, where: Where) -> List[str]:
    """keepalived's alloc_strvec: blank-separated words, "..." is one word without quotes."""
    words: List[str] = []
    i, n = 0, len(piece)
    while True:
        while i < n and piece[i] in ' \t\f\v\r\n':
            i += 1
        if i >= n:
            return words
        if piece[i] == '"':
            j = piece.find('"', i + 1)
            if j < 0:
                raise ParseError(where, 'unterminated quote')
            words.append(piece[i + 1:j])
            i = j + 1
        else:
            j = i
            while j < n and piece[j] not in ' \t\f\v\r\n"':
                j += 1
            words.append(piece[i:j])
            i = j


ESCAPES = {'a': '\a', 'b': '\b', 'E': '\x1b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t',
           'v': '\v'}


def split_escaped(piece: str) -> List[str]:
    """keepalived's alloc_strvec_quoted_escaped (script lines): "..." and '...' quote,
    backslash escapes as in the shell and C."""
    words: List[str] = []
    cur: List[str] = []
    quote: Optional[str] = None
    i, n, started = 0, len(piece), False
    while i < n:
        c = piece[i]
        if c == '\\' and i + 1 < n:
            d = piece[i + 1]
            m = re.match(r'x([0-9a-fA-F]+)|([0-7]{1,3})|c(.)', piece[i + 1:])
            if m and (m.group(1) or m.group(2) or m.group(3)):
                cur.append(chr(int(m.group(1), 16) & 0xff) if m.group(1) else
                           chr(int(m.group(2), 8) & 0xff) if m.group(2) else
                           chr(ord(m.group(3)) & 0x1f))
                i += 1 + m.end()
            else:
                cur.append(ESCAPES.get(d, d))
                i += 2
            started = True
            continue
        if quote:
            if c == quote:
                quote = None
            else:
                cur.append(c)
        elif c in '"\'':
            quote, started = c, True
        elif c in ' \t\f\v\r\n':
            if started:
                words.append(''.join(cur))
            cur, started = [], False
        else:
            cur.append(c)
            started = True
        i += 1
    if started:
        words.append(''.join(cur))
    return words


def split_braces(line: str) -> List[str]:
    """Cut a line at { and } outside double quotes; braces become pieces of their own."""
    pieces: List[str] = []
    cur: List[str] = []
    quote = False
    for c in line:
        if c == '"':
            quote = not quote
        if c in '{}' and not quote:
            pieces.append(''.join(cur))
            pieces.append(c)
            cur = []
        else:
            cur.append(c)
    pieces.append(''.join(cur))
    return [p for p in pieces if p.strip(' \t')]


def brace_expand(pat: str) -> List[str]:
    """csh-style {a,b} expansion, as glob(3) with GLOB_BRACE."""
    depth, start = 0, -1
    for i, c in enumerate(pat):
        if c == '{':
            if depth == 0:
                start = i
            depth += 1
        elif c == '}' and depth:
            depth -= 1
            if depth == 0:
                alts: List[str] = []
                d, last = 0, start + 1
                for j in range(start + 1, i):
                    if pat[j] == '{':
                        d += 1
                    elif pat[j] == '}':
                        d -= 1
                    elif pat[j] == ',' and d == 0:
                        alts.append(pat[last:j])
                        last = j + 1
                alts.append(pat[last:i])
                res: List[str] = []
                for a in alts:
                    res.extend(brace_expand(pat[:start] + a + pat[i + 1:]))
                    if len(res) > 1000:
                        break
                return res
    return [pat]


class Reader:
    """keepalived configuration text -> flat list of statements and braces -> tree()."""

    def __init__(self, config_id: Optional[str], report: Report) -> None:
        self.config_id, self.report = config_id, report
        self.defs: Dict[str, Tuple[str, bool]] = {}      # $NAME -> (value, multiline)
        self.items: List[Union[Node, Brace]] = []
        self.seq = 0
        self.expansions = 0
        self.conditional_seen = False

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def read(self, path: str, depth: int = 0, where: Optional[Where] = None) -> None:
        """Read the file path ('-': stdin) or, from an include at where, an included one."""
        try:
            if path == '-' and where is None:
                data = sys.stdin.buffer.read()
            else:
                with open(path, 'rb') as f:
                    data = f.read()
        except OSError as e:
            if where is None:
                raise ParseError((path, 0), 'cannot read: %s' % e.strerror)
            self.report(where, 'include', '%s: cannot read: %s' % (path, e.strerror))
            return
        text = data.decode('utf-8', 'surrogateescape')
        lines = text.split('\n')
        if lines and lines[-1] == '':
            lines.pop()
        mdef: Optional[str] = None      # name of the multi-line $definition being read
        for no, raw in enumerate(lines, 1):
            w = (path, no)
            raw = raw.split('\0', 1)[0].rstrip('\r')
            if mdef is not None:
                if not raw.strip():
                    mdef = None
                    continue
                s = decomment(raw, w)
                val, _ = self.defs[mdef]
                if s.endswith('\\'):
                    self.defs[mdef] = (val + s[:-1].rstrip(' \t') + '\n', True)
                else:
                    self.defs[mdef] = (val + s, True)
                    mdef = None
                continue
            s = decomment(raw, w)
            if s:
                mdef = self.logical(s, w, path, depth, 0)

    def logical(self, s: str, w: Where, path: str, depth: int, level: int) -> Optional[str]:
        """One decommented line: conditionals, definitions, substitution, include, braces.
        Returns the name of a multi-line definition that continues on the next lines."""
        if level > 32:
            raise ParseError(w, 'parameter expansion nested too deeply')
        for _ in range(256):
            if s.startswith('@'):
                self.conditional_seen = True
                rev = s.startswith('@^')
                m = re.match(r'@\^?(\S*)[ \t]+(.*)$', s)
                if not m:
                    return None
                if (self.config_id is not None and m.group(1) == self.config_id) == rev:
                    return None
                s = m.group(2)
            m = re.match(r'\$([A-Za-z_][A-Za-z0-9_]*)[ \t]*=[ \t]*(.*)$', s)
            if m:
                val = m.group(2)
                if val.endswith('\\'):
                    first = val[:-1].rstrip(' \t')
                    self.defs[m.group(1)] = (first + '\n' if first else '', True)
                    return m.group(1)
                self.defs[m.group(1)] = (val, False)
                return None
            if s.startswith('~'):
                self.report(w, s.split()[0].split('(')[0],
                            'sequence/list blocks are not supported by the importer; line skipped')
                return None
            if self.defs and '$' in s:
                new, lines = self.substitute(s, w)
                if lines is not None:
                    for ln in lines:
                        ln = ln.strip(' \t')
                        if ln:
                            self.logical(ln, w, path, depth, level + 1)
                    return None
                if new != s:
                    s = new
                    continue
            break
        else:
            raise ParseError(w, 'parameter substitution does not end')
        words = split_words(s, w)
        if len(words) == 2 and words[0] == 'include':
            self.include(words[1], path, depth, w)
            return None
        for piece in split_braces(s):
            if piece in '{}':
                self.items.append((piece, path, w[1], self.next_seq()))
            else:
                words = split_words(piece, w)
                if words:
                    self.items.append(Node(words, path, w[1], self.next_seq(), piece))
        return None

    def substitute(self, s: str, w: Where) -> Tuple[str, Optional[List[str]]]:
        """Replace $NAME / ${NAME}; a whole-line multi-line parameter expands to lines."""
        self.expansions += 1
        if self.expansions > MAX_EXPANSIONS:
            raise ParseError(w, 'too many parameter expansions')
        m = re.match(r'^\$(\{)?([A-Za-z_][A-Za-z0-9_]*)(?(1)\})$', s)
        if m and m.group(2) in self.defs and self.defs[m.group(2)][1]:
            return s, self.defs[m.group(2)][0].split('\n')
        builtin = {'_PWD': os.path.dirname(os.path.abspath(w[0])), '_HASH': '#', '_BANG': '!',
                   '_INSTANCE': self.config_id or ''}

        def rep(mo: 're.Match[str]') -> str:
            name = mo.group(1) or mo.group(2)
            if name in self.defs and not self.defs[name][1]:
                return self.defs[name][0]
            if name in builtin and name not in self.defs:
                return builtin[name]
            return mo.group(0)
        out = re.sub(r'\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)(?=[ \t,)]|$)',
                     rep, s)
        if len(out) > MAX_LINE:
            raise ParseError(w, 'parameter substitution does not end (line too long)')
        return out, None

    def include(self, pattern: str, path: str, depth: int, w: Where) -> None:
        if depth >= MAX_INCLUDE_DEPTH:
            raise ParseError(w, 'include nested more than %d deep (an include loop?)'
                             % MAX_INCLUDE_DEPTH)
        base = os.path.dirname(path)
        for p in brace_expand(pattern):
            p = os.path.join(base, p)
            found = [f for f in sorted(glob.glob(p)) if not os.path.isdir(f)]
            if not found:
                self.report(w, 'include', '%s: no file matches (keepalived skips it too)' % p)
            for f in found:
                if not os.path.isfile(f) or os.access(f, os.X_OK):
                    self.report(w, 'include', '%s: not a regular non-executable file, '
                                'keepalived skips it' % f)
                else:
                    self.read(f, depth + 1, w)

    def tree(self) -> List[Node]:
        """Nest the statements by their braces."""
        root: List[Node] = []
        stack: List[Tuple[List[Node], Optional[Node]]] = [(root, None)]
        last: Optional[Node] = None
        for it in self.items:
            if isinstance(it, Node):
                stack[-1][0].append(it)
                last = it
            elif it[0] == '{':
                if last is None or last.block is not None:
                    raise ParseError((it[1], it[2]), "'{' without a keyword before it")
                last.block = []
                stack.append((last.block, last))
                last = None
            else:
                if len(stack) == 1:
                    raise ParseError((it[1], it[2]), "'}' without a matching '{'")
                stack.pop()
                last = None
        if len(stack) > 1:
            n = stack[-1][1]
            assert n is not None
            raise ParseError((n.file, n.line), "the block of '%s' is never closed (missing '}')"
                             % n.kw)
        return root
