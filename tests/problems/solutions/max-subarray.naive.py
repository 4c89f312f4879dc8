from typing import List


class Solution:
    def maxSubArray(self, nums: List[int]) -> int:
        best = current = 0
        for value in nums:
            current = max(0, current + value)
            best = max(best, current)
        return best
