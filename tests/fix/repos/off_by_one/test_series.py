from series import sum_of_squares, sum_to


def test_sum_to_small():
    assert sum_to(3) == 6


def test_sum_to_zero():
    assert sum_to(0) == 0


def test_sum_of_squares():
    assert sum_of_squares(3) == 14
