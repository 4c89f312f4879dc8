import sys

data = sys.stdin.read().split()
n = int(data[0])
values = [float(v) for v in data[1:1 + n]]
total = 0.0
for i, value in enumerate(values, start=1):
    total += value
    print(f"{total / i:.3f}")
