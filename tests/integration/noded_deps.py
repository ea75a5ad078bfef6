#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The file-level dependency graph of src/noded, from the build's objects
(which file calls which, by nm's defined and undefined symbols) and the
sources' #include lines; fails on a cycle in either.

usage: noded_deps.py BUILDDIR SRCDIR [--print]
"""
import glob
import os
import re
import subprocess
import sys


def module_name(obj):
    base = os.path.basename(obj)[:-2]
    return re.sub(r'^lib\w+_a-', '', base)


def symbols(obj):
    out = subprocess.run(['nm', obj], capture_output=True, text=True,
                         check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == 'U':
            undefined.add(parts[1])
        elif len(parts) == 3 and parts[1] in 'TDBR':
            defined.add(parts[2])
    return defined, undefined


def call_graph(builddir):
    objs = glob.glob(os.path.join(builddir, 'src/noded/*.o'))
    if not objs:
        sys.exit(f'no objects under {builddir}/src/noded: build first')
    owner, needs = {}, {}
    for obj in objs:
        if os.path.basename(obj).startswith('tests_'):
            continue  # a test's own copy of a module, not the daemon's
        mod = module_name(obj)
        defined, undefined = symbols(obj)
        for sym in defined:
            owner[sym] = mod
        needs[mod] = undefined
    return {mod: sorted({owner[s] for s in und if s in owner} - {mod})
            for mod, und in needs.items()}


def include_graph(srcdir):
    graph = {}
    for path in glob.glob(os.path.join(srcdir, 'src/noded/*.[ch]')):
        name = os.path.basename(path)
        with open(path, encoding='utf-8') as f:
            incs = re.findall(r'^#include\s+"(?:noded/)?([\w.]+)"', f.read(),
                              re.M)
        here = set(os.listdir(os.path.dirname(path)))
        graph[name] = sorted({i for i in incs if i in here} - {name})
    return graph


def find_cycle(graph):
    """One cycle as a list of nodes, or None (iterative DFS colouring)."""
    colour = {n: 0 for n in graph}
    for start in graph:
        if colour[start]:
            continue
        stack = [(start, iter(graph[start]))]
        path = [start]
        colour[start] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                colour[node] = 2
                stack.pop()
                path.pop()
            elif colour.get(nxt, 2) == 1:
                return path[path.index(nxt):] + [nxt]
            elif colour.get(nxt) == 0:
                colour[nxt] = 1
                stack.append((nxt, iter(graph[nxt])))
                path.append(nxt)
    return None


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    calls = call_graph(sys.argv[1])
    includes = include_graph(sys.argv[2])
    if '--print' in sys.argv:
        for title, graph in (('calls', calls), ('includes', includes)):
            print(f'{title}:')
            for mod in sorted(graph):
                print(f'  {mod} -> {" ".join(graph[mod]) or "-"}')
    status = 0
    for title, graph in (('call', calls), ('include', includes)):
        cycle = find_cycle(graph)
        if cycle:
            print(f'{title} cycle in src/noded: {" -> ".join(cycle)}')
            status = 1
    if status == 0:
        print(f'no cycle among {len(calls)} objects and '
              f'{len(includes)} files of src/noded')
    return status


if __name__ == '__main__':
    sys.exit(main())
