import sys

n = int(sys.stdin.read())
a, b, c = 1, 0, 0
for _ in range(n):
    a, b, c = a + b + c, a, b
print(a)
