#!/usr/bin/env python3
"""How well each weighting of a unit's input bytes predicts its compile time, per workload
(measure.py's tables): the weighting coordinator/cost_estimate.hpp uses is marked.

usage: fit.py NAME=TABLE.tsv...

For each weighting (cost bytes = main + sources / S + headers / H) and workload:
  rho    Spearman's rank correlation of cost bytes and CPU time (the queue's order)
  err    the median |ln(estimate / time)|, the estimate at the workload's own ratio of sums
         (the coordinator learns one rate per compiler from the build's completed units)
  top    the rank, in cost bytes, of the workload's longest compile (1: sent first)
"""
import csv
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def code_divisors():
    header = open(os.path.join(HERE, '../../coordinator/cost_estimate.hpp')).read()
    source = int(re.search(r'kSourceDivisor = (\d+)', header).group(1))
    headers = int(re.search(r'kHeaderDivisor = (\d+)', header).group(1))
    return source, headers


def ranks(values):
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = (i + j) / 2
        i = j + 1
    return out


def pearson(a, b):
    n = len(a)
    ma, mb = sum(a) / n, sum(b) / n
    sa = math.sqrt(sum((x - ma) ** 2 for x in a))
    sb = math.sqrt(sum((y - mb) ** 2 for y in b))
    return sum((x - ma) * (y - mb) for x, y in zip(a, b)) / (sa * sb)


def judge(rows, s_div, h_div):
    times = [float(r['cpu_ms']) for r in rows]
    cost = [float(r['main']) + float(r['sources']) / s_div + float(r['headers']) / h_div
            for r in rows]
    rate = sum(times) / sum(cost)
    errors = sorted(abs(math.log(max(c * rate, 1) / max(t, 1))) for c, t in zip(cost, times))
    longest = max(range(len(times)), key=lambda i: times[i])
    top = 1 + sum(1 for c in cost if c > cost[longest])
    return pearson(ranks(cost), ranks(times)), errors[len(errors) // 2], top


def main():
    workloads = []
    for arg in sys.argv[1:]:
        name, path = arg.split('=', 1)
        workloads.append((name, list(csv.DictReader(open(path), delimiter='\t'))))
    chosen = code_divisors()
    names = ' | '.join(f'{n} ({len(r)} units) rho, err, top' for n, r in workloads)
    print(f'| S | H | {names} |')
    print('|---|---|' + '---|' * len(workloads))
    for s_div in (1, 4, 7, 16):
        for h_div in (1, 32, 64, 128, 256, 512, math.inf):
            cells = []
            for _, rows in workloads:
                rho, err, top = judge(rows, s_div, h_div)
                cells.append(f'{rho:.3f}, {err:.2f}, {top}')
            mark = ' **(ferry)**' if (s_div, h_div) == chosen else ''
            h = '∞' if h_div == math.inf else h_div
            print(f'| {s_div} | {h}{mark} | ' + ' | '.join(cells) + ' |')
    print('\nall bytes (S = H = 1) is the weighting before session 27.')


if __name__ == '__main__':
    main()
