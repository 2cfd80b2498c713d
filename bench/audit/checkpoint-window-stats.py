"""Summarises checkpoint-window.sh's samples: python3 checkpoint-window-stats.py SAMPLES CHECKPOINT_FILE"""
import json
import statistics
import sys
from datetime import datetime

rows = []
for line in open(sys.argv[1]):
    parts = line.strip().split('|')
    if len(parts) == 5 and parts[0]:
        t, unsealed, age, head, checkpoint = parts
        rows.append((float(t), int(unsealed), float(age), int(head), int(checkpoint or 0)))
rows.sort()


def p95(values):
    values = sorted(values)
    return values[round(0.95 * (len(values) - 1))]


unsealed = [r[1] for r in rows]
ages = [r[2] for r in rows]
uncovered = [r[3] - r[4] for r in rows]
print(f'{len(rows)} samples over {rows[-1][0] - rows[0][0]:.0f} s')
print(f'unsealed entries: median {statistics.median(unsealed)}, p95 {p95(unsealed)}, max {max(unsealed)}')
print(f'oldest unsealed entry (s): median {statistics.median(ages):.2f}, p95 {p95(ages):.2f}, max {max(ages):.2f}')
print(f'sealed, not checkpointed: median {statistics.median(uncovered)}, p95 {p95(uncovered)}, max {max(uncovered)}')
newest, since, changed_at = None, [], rows[0][0]
for t, _, _, _, checkpoint in rows:
    if checkpoint != newest:
        newest, changed_at = checkpoint, t
    since.append(t - changed_at)
print(f'time since the newest checkpoint (s): max {max(since):.1f}')
times = [datetime.fromisoformat(json.loads(l)['at'].replace('Z', '+00:00')).timestamp() for l in open(sys.argv[2]) if l.strip()]
print('gaps between checkpoints (s):', [round(b - a, 1) for a, b in zip(times, times[1:])])
