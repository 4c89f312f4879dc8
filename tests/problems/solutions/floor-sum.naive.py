import sys

n = int(sys.stdin.read())
print(sum(n // i for i in range(1, n + 1)))
