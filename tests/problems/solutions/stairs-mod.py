import sys

MOD = 1_000_000_007
n = int(sys.stdin.read())
a, b, c = 1, 0, 0  # ways to reach heights i-1, i-2, i-3
for _ in range(n):
    a, b, c = (a + b + c) % MOD, a, b
print(a)
