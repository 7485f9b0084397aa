"""The command line: options (argparse), the run (read, convert, write, vipd --check), the
order of the stderr lines and the exit status (0 converted, 1 unreadable, 2 usage, 3 converted
with errors, 4 converted with a keepalived feature not carried over)."""

from __future__ import annotations

import argparse
import os
import shutil
from typing import IO, List, NoReturn, Optional, Tuple

from . import __doc__ as DOC
from . import writer
from .convert import Converter
from .reader import ParseError, Reader, Where
from .values import printable

USAGE = ('vipd-import-keepalived [-o FILE] [-i CONFIG_ID] [--vipd PATH | --no-check] '
         'KEEPALIVED.CONF|-')
# The words of a stderr line that make the exit status 4 (a keepalived feature is lost); a line
# without them (or `error:`) is a note: the converted file does what keepalived does.
NOT_CARRIED = 'not carried over'
# --help: the usage paragraph of the package documentation, without its mapping notes
DESCRIPTION = (DOC or '').split('\n', 3)[3].split('\nMapping')[0]


class Exit(Exception):
    """argparse is done (help printed, or a usage error): exit with this status."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Parser(argparse.ArgumentParser):
    """argparse writing to the given streams, and returning instead of exiting."""

    def __init__(self, stdout: IO[str], stderr: IO[str]) -> None:
        super().__init__(prog='vipd-import-keepalived', usage=USAGE, description=DESCRIPTION,
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         allow_abbrev=False)
        self.out, self.err = stdout, stderr

    def print_help(self, file: Optional[IO[str]] = None) -> None:
        super().print_help(file or self.out)

    def print_usage(self, file: Optional[IO[str]] = None) -> None:
        super().print_usage(file or self.err)

    def exit(self, status: int = 0, message: Optional[str] = None) -> NoReturn:
        if message:
            self.err.write(message)
        raise Exit(status)

    def error(self, message: str) -> NoReturn:
        self.print_usage(self.err)
        self.exit(2, '%s: error: %s\n' % (self.prog, message))


def parser(stdout: IO[str], stderr: IO[str]) -> Parser:
    p = Parser(stdout, stderr)
    p.add_argument('source', metavar='KEEPALIVED.CONF|-',
                   help='the keepalived configuration (-: standard input)')
    p.add_argument('-o', '--output', metavar='FILE',
                   help='write the vipd.conf to FILE instead of standard output')
    p.add_argument('-i', '--config-id', metavar='CONFIG_ID',
                   default=os.uname().nodename.split('.')[0] or None,
                   help='the config id for @ID lines (default: the host name up to the '
                   'first dot, as keepalived does)')
    check = p.add_mutually_exclusive_group()
    check.add_argument('--vipd', metavar='PATH',
                       help='the vipd binary that checks the converted file (default: vipd '
                       'next to this script, else on PATH)')
    check.add_argument('--no-check', action='store_true',
                       help='do not run vipd --check on the converted file')
    return p


def find_vipd(script_dir: Optional[str]) -> Optional[str]:
    """The default vipd: next to the entry script (an installed sbin), else on PATH."""
    if script_dir:
        here = os.path.join(script_dir, 'vipd')
        if os.path.isfile(here) and os.access(here, os.X_OK):
            return here
    return shutil.which('vipd')


def main(argv: List[str], stdout: IO[str], stderr: IO[str],
         script_dir: Optional[str] = None) -> int:
    """Run the importer on argv (without the program name); the exit status."""
    try:
        args = parser(stdout, stderr).parse_args(argv)
    except Exit as e:
        return e.status
    vipd: Optional[str] = None
    if args.vipd is not None:
        if not (os.path.isfile(args.vipd) and os.access(args.vipd, os.X_OK)):
            stderr.write('vipd-import-keepalived: --vipd %s: not an executable file\n'
                         % args.vipd)
            return 2
        vipd = args.vipd
    elif not args.no_check:
        vipd = find_vipd(script_dir)
    src: str = args.source
    notes: List[Tuple[int, int, str]] = []
    dropped = 0

    def report(where: Where, kw: str, msg: str, seq: Optional[int] = None) -> None:
        nonlocal dropped
        dropped += NOT_CARRIED in msg
        notes.append((seq if seq is not None else reader.seq, len(notes),
                      printable('%s:%d: %s: %s' % (where[0], where[1], kw, msg))))
    reader = Reader(args.config_id, report)
    try:
        reader.read(src)
        conv = Converter(report)
        conv.run(reader.tree())
        conv.complete()
        writer.report_unwritten(conv, src)
        config_id = args.config_id if reader.conditional_seen else None
        if vipd is not None:
            text, _ = writer.validate(conv, src, config_id, vipd)
        else:
            text, _ = writer.emit(conv, src, config_id)
    except ParseError as e:
        stderr.write(printable('%s:%d: error: %s' % (e.where[0], e.where[1], e.msg)) + '\n')
        return 1
    except RecursionError:
        stderr.write('%s:0: error: configuration nested too deeply\n' % src)
        return 1
    for _, _, line in sorted(notes):
        stderr.write(line + '\n')
    if args.output:
        try:
            with open(args.output, 'w', encoding='utf-8', errors='surrogateescape') as f:
                f.write(text)
        except OSError as e:
            stderr.write('%s: %s\n' % (args.output, e.strerror))
            return 1
    else:
        stdout.write(text)
    return 3 if conv.errors else 4 if dropped else 0
