def is_palindrome(text: str) -> bool:
    letters = [ch.lower() for ch in text if ch.isalnum()]
    return letters == letters[::-1]
