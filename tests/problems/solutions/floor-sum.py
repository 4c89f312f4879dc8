import sys

n = int(sys.stdin.read())
total = 0
i = 1
while i <= n:
    q = n // i
    last = n // q
    total += q * (last - i + 1)
    i = last + 1
print(total)
