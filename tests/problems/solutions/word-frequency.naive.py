import sys
from collections import Counter

counts = Counter(sys.stdin.read().lower().split())
for word, count in counts.most_common(3):
    print(word, count)
