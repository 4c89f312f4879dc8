import sys

numbers = [int(token) for token in sys.stdin.read().split()]
print(max(numbers) if numbers else "EMPTY")
