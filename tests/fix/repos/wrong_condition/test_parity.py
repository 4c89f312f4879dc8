from parity import is_even, is_positive


def test_is_even():
    assert is_even(4)
    assert not is_even(7)


def test_is_positive():
    assert is_positive(3)
    assert not is_positive(0)
