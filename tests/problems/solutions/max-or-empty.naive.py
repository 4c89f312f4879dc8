numbers = [int(token) for token in input().split()]
print(max(numbers))
