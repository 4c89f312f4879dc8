from stats import spread


def test_spread():
    assert spread([1, 4, 2]) == 3.0
