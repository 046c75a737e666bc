#!/usr/bin/env python3
"""Per compile of a built tree: its CPU time (user + sys, compiled one at a time) and its
input bytes by kind, as coordinator/cost_estimate.hpp counts them: the unit's own file, the
C and C++ sources it includes, and every other file it reads (headers).

usage: measure.py TREE COMMANDS OUT.tsv
  TREE      the directory the commands run in (a build tree the farm kept)
  COMMANDS  one compile command per line, the source last (`-c -o X.o SRC` or `-o X.o -c SRC`)
"""
import os
import resource
import shlex
import subprocess
import sys

# compiler/languages.cpp's extensions: what cost_estimate.cpp counts as an included source.
SOURCES = ('.c', '.cc', '.cpp', '.cxx', '.c++', '.C', '.cp', '.CPP')


def without_outputs(argv):
    """The command without its object, depfile and -c: the same compile, told what to write."""
    out, i = [], 0
    while i < len(argv) - 1:
        arg = argv[i]
        if arg in ('-MF', '-MT', '-MQ', '-o'):
            i += 2
            continue
        if arg in ('-MMD', '-MD', '-c') or arg.startswith('-Wp,-M'):
            i += 1
            continue
        out.append(arg)
        i += 1
    return out


def cpu_seconds():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def main():
    tree, commands, out_path = sys.argv[1:4]
    scratch = out_path + '.scratch'
    with open(commands) as lines, open(out_path, 'w') as out:
        out.write('unit\tcpu_ms\tmain\tsources\theaders\tnheaders\n')
        for line in lines:
            if not line.strip():
                continue
            argv = shlex.split(line)
            source, base = argv[-1], without_outputs(argv)
            deps = subprocess.run(base + ['-M', '-MF', scratch + '.d', '-o', '/dev/null', source],
                                  cwd=tree, capture_output=True, text=True)
            if deps.returncode != 0:
                print(f'{source}: -M failed: {deps.stderr[:300]}', file=sys.stderr)
                continue
            with open(scratch + '.d') as f:
                files = f.read().replace('\\\n', ' ').split(':', 1)[1].split()
            main_bytes = os.path.getsize(os.path.join(tree, source))
            sources = headers = count = 0
            for path in files[1:]:
                size = os.path.getsize(os.path.join(tree, path))
                if path.endswith(SOURCES):
                    sources += size
                else:
                    headers += size
                    count += 1
            before = cpu_seconds()
            compiled = subprocess.run(base + ['-c', '-o', scratch + '.o', source], cwd=tree,
                                      capture_output=True)
            ms = (cpu_seconds() - before) * 1000
            if compiled.returncode != 0:
                print(f'{source}: compile failed', file=sys.stderr)
                continue
            unit = os.path.relpath(source, tree) if os.path.isabs(source) else source
            out.write(f'{unit}\t{ms:.0f}\t{main_bytes}\t{sources}\t{headers}\t{count}\n')
            out.flush()
    for suffix in ('.d', '.o'):
        if os.path.exists(scratch + suffix):
            os.remove(scratch + suffix)


if __name__ == '__main__':
    main()
