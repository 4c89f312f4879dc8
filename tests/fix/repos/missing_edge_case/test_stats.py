from stats import average, spread


def test_average():
    assert average([1, 2, 3]) == 2


def test_average_of_nothing():
    assert average([]) == 0.0


def test_spread():
    assert spread([4, 1, 7]) == 6
