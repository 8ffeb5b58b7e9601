"""The ``__init__`` of each shape of this package's records, as ``dataclass`` writes
it (soc2lint.record: each record gets a copy with its own names, defaults and
factories).  Generated: after adding a record of a new shape, run
``python -c "import soc2lint.record as r; r.write_inits()"``; tests/test_record.py
checks that this file is current.  A shape not here is made by ``dataclass``."""

# mypy: ignore-errors


def init_post__k_k_k_k_k_k_k_k_k_kf_kf_kf_x(_rec_f9, _rec_factory, _rec_f10, _rec_f11):
    def __init__(self, *, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_f9() if _rec_a9 is _rec_factory else _rec_a9
        self._rec_a10 = _rec_f10() if _rec_a10 is _rec_factory else _rec_a10
        self._rec_a11 = _rec_f11() if _rec_a11 is _rec_factory else _rec_a11
        self.__post_init__()

    return __init__


def init__p():
    def __init__(self, _rec_a0):
        self._rec_a0 = _rec_a0

    return __init__


def frozen__p(_rec_object):
    def __init__(self, _rec_a0):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)

    return __init__


def init__p_p():
    def __init__(self, _rec_a0, _rec_a1):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1

    return __init__


def frozen__p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)

    return __init__


def init__p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2

    return __init__


def frozen__p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)

    return __init__


def init__p_p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3

    return __init__


def frozen__p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)

    return __init__


def init__p_p_p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4

    return __init__


def frozen__p_p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)

    return __init__


def init__p_p_p_p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5

    return __init__


def frozen__p_p_p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)

    return __init__


def init__p_p_p_p_p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6

    return __init__


def frozen__p_p_p_p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_a6)

    return __init__


def init__p_p_p_p_p_p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7

    return __init__


def frozen__p_p_p_p_p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_a6)
        _rec_object.__setattr__(self, '_rec_a7', _rec_a7)

    return __init__


def init__p_p_p_p_p_p_p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_a8

    return __init__


def frozen__p_p_p_p_p_p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_a6)
        _rec_object.__setattr__(self, '_rec_a7', _rec_a7)
        _rec_object.__setattr__(self, '_rec_a8', _rec_a8)

    return __init__


def init__p_p_p_p_p_p_p_p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_a9

    return __init__


def frozen__p_p_p_p_p_p_p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_a6)
        _rec_object.__setattr__(self, '_rec_a7', _rec_a7)
        _rec_object.__setattr__(self, '_rec_a8', _rec_a8)
        _rec_object.__setattr__(self, '_rec_a9', _rec_a9)

    return __init__


def init__p_p_p_p_p_p_p_p_p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_a9
        self._rec_a10 = _rec_a10

    return __init__


def frozen__p_p_p_p_p_p_p_p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_a6)
        _rec_object.__setattr__(self, '_rec_a7', _rec_a7)
        _rec_object.__setattr__(self, '_rec_a8', _rec_a8)
        _rec_object.__setattr__(self, '_rec_a9', _rec_a9)
        _rec_object.__setattr__(self, '_rec_a10', _rec_a10)

    return __init__


def frozen__p_p_p_p_p_p_p_p_p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_a6)
        _rec_object.__setattr__(self, '_rec_a7', _rec_a7)
        _rec_object.__setattr__(self, '_rec_a8', _rec_a8)
        _rec_object.__setattr__(self, '_rec_a9', _rec_a9)
        _rec_object.__setattr__(self, '_rec_a10', _rec_a10)
        _rec_object.__setattr__(self, '_rec_a11', _rec_a11)

    return __init__


def init__p_p_p_p_p_p_p_p_p_p_p_p_p_p():
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12, _rec_a13):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_a9
        self._rec_a10 = _rec_a10
        self._rec_a11 = _rec_a11
        self._rec_a12 = _rec_a12
        self._rec_a13 = _rec_a13

    return __init__


def frozen_post__p_p_p_p_p_p_p_p_p_p_p_p_p_p_p_p_p_p_p(_rec_object):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12, _rec_a13, _rec_a14, _rec_a15, _rec_a16, _rec_a17, _rec_a18):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_a6)
        _rec_object.__setattr__(self, '_rec_a7', _rec_a7)
        _rec_object.__setattr__(self, '_rec_a8', _rec_a8)
        _rec_object.__setattr__(self, '_rec_a9', _rec_a9)
        _rec_object.__setattr__(self, '_rec_a10', _rec_a10)
        _rec_object.__setattr__(self, '_rec_a11', _rec_a11)
        _rec_object.__setattr__(self, '_rec_a12', _rec_a12)
        _rec_object.__setattr__(self, '_rec_a13', _rec_a13)
        _rec_object.__setattr__(self, '_rec_a14', _rec_a14)
        _rec_object.__setattr__(self, '_rec_a15', _rec_a15)
        _rec_object.__setattr__(self, '_rec_a16', _rec_a16)
        _rec_object.__setattr__(self, '_rec_a17', _rec_a17)
        _rec_object.__setattr__(self, '_rec_a18', _rec_a18)
        self.__post_init__()

    return __init__


def init__p_p_p_p_p_p_p_p_p_p_p_p_p_p_p_p_pf(_rec_f16, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12, _rec_a13, _rec_a14, _rec_a15, _rec_a16):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_a9
        self._rec_a10 = _rec_a10
        self._rec_a11 = _rec_a11
        self._rec_a12 = _rec_a12
        self._rec_a13 = _rec_a13
        self._rec_a14 = _rec_a14
        self._rec_a15 = _rec_a15
        self._rec_a16 = _rec_f16() if _rec_a16 is _rec_factory else _rec_a16

    return __init__


def frozen__p_p_p_p_p_p_p_p_p_p_p_pf_p(_rec_object, _rec_f11, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_a6)
        _rec_object.__setattr__(self, '_rec_a7', _rec_a7)
        _rec_object.__setattr__(self, '_rec_a8', _rec_a8)
        _rec_object.__setattr__(self, '_rec_a9', _rec_a9)
        _rec_object.__setattr__(self, '_rec_a10', _rec_a10)
        _rec_object.__setattr__(self, '_rec_a11', _rec_f11() if _rec_a11 is _rec_factory else _rec_a11)
        _rec_object.__setattr__(self, '_rec_a12', _rec_a12)

    return __init__


def init__p_p_p_p_p_p_p_p_p_pf_p(_rec_f9, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_f9() if _rec_a9 is _rec_factory else _rec_a9
        self._rec_a10 = _rec_a10

    return __init__


def init__p_p_p_p_p_p_p_p_pf_p_p_p_p(_rec_f8, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8
        self._rec_a9 = _rec_a9
        self._rec_a10 = _rec_a10
        self._rec_a11 = _rec_a11
        self._rec_a12 = _rec_a12

    return __init__


def init__p_p_p_p_p_p_p_p_pf_pf_pf(_rec_f8, _rec_factory, _rec_f9, _rec_f10):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8
        self._rec_a9 = _rec_f9() if _rec_a9 is _rec_factory else _rec_a9
        self._rec_a10 = _rec_f10() if _rec_a10 is _rec_factory else _rec_a10

    return __init__


def init_post__p_p_p_p_p_p_p_p_pf_pf_pf(_rec_f8, _rec_factory, _rec_f9, _rec_f10):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8
        self._rec_a9 = _rec_f9() if _rec_a9 is _rec_factory else _rec_a9
        self._rec_a10 = _rec_f10() if _rec_a10 is _rec_factory else _rec_a10
        self.__post_init__()

    return __init__


def init__p_p_p_p_p_p_p_pf_p_p(_rec_f7, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_a9

    return __init__


def frozen__p_p_p_p_p_p_p_pf_p_p_pf_pf_p_p_p_p_p_pf_p_p_p_p_p(_rec_object, _rec_f7, _rec_factory, _rec_f10, _rec_f11, _rec_f17):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12, _rec_a13, _rec_a14, _rec_a15, _rec_a16, _rec_a17, _rec_a18, _rec_a19, _rec_a20, _rec_a21, _rec_a22):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_a6)
        _rec_object.__setattr__(self, '_rec_a7', _rec_f7() if _rec_a7 is _rec_factory else _rec_a7)
        _rec_object.__setattr__(self, '_rec_a8', _rec_a8)
        _rec_object.__setattr__(self, '_rec_a9', _rec_a9)
        _rec_object.__setattr__(self, '_rec_a10', _rec_f10() if _rec_a10 is _rec_factory else _rec_a10)
        _rec_object.__setattr__(self, '_rec_a11', _rec_f11() if _rec_a11 is _rec_factory else _rec_a11)
        _rec_object.__setattr__(self, '_rec_a12', _rec_a12)
        _rec_object.__setattr__(self, '_rec_a13', _rec_a13)
        _rec_object.__setattr__(self, '_rec_a14', _rec_a14)
        _rec_object.__setattr__(self, '_rec_a15', _rec_a15)
        _rec_object.__setattr__(self, '_rec_a16', _rec_a16)
        _rec_object.__setattr__(self, '_rec_a17', _rec_f17() if _rec_a17 is _rec_factory else _rec_a17)
        _rec_object.__setattr__(self, '_rec_a18', _rec_a18)
        _rec_object.__setattr__(self, '_rec_a19', _rec_a19)
        _rec_object.__setattr__(self, '_rec_a20', _rec_a20)
        _rec_object.__setattr__(self, '_rec_a21', _rec_a21)
        _rec_object.__setattr__(self, '_rec_a22', _rec_a22)

    return __init__


def init__p_p_p_p_p_p_p_pf_p_pf_pf_pf_p_p_pf_pf(_rec_f7, _rec_factory, _rec_f9, _rec_f10, _rec_f11, _rec_f14, _rec_f15):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12, _rec_a13, _rec_a14, _rec_a15):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_f9() if _rec_a9 is _rec_factory else _rec_a9
        self._rec_a10 = _rec_f10() if _rec_a10 is _rec_factory else _rec_a10
        self._rec_a11 = _rec_f11() if _rec_a11 is _rec_factory else _rec_a11
        self._rec_a12 = _rec_a12
        self._rec_a13 = _rec_a13
        self._rec_a14 = _rec_f14() if _rec_a14 is _rec_factory else _rec_a14
        self._rec_a15 = _rec_f15() if _rec_a15 is _rec_factory else _rec_a15

    return __init__


def init__p_p_p_p_p_p_pf_pf_p_p_p(_rec_f6, _rec_factory, _rec_f7):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_f6() if _rec_a6 is _rec_factory else _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_a9
        self._rec_a10 = _rec_a10

    return __init__


def init__p_p_p_p_p_p_pf_pf_pf(_rec_f6, _rec_factory, _rec_f7, _rec_f8):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_f6() if _rec_a6 is _rec_factory else _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8

    return __init__


def init__p_p_p_p_p_p_pf_pf_pf_pf_p_p_pf(_rec_f6, _rec_factory, _rec_f7, _rec_f8, _rec_f9, _rec_f12):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_f6() if _rec_a6 is _rec_factory else _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8
        self._rec_a9 = _rec_f9() if _rec_a9 is _rec_factory else _rec_a9
        self._rec_a10 = _rec_a10
        self._rec_a11 = _rec_a11
        self._rec_a12 = _rec_f12() if _rec_a12 is _rec_factory else _rec_a12

    return __init__


def frozen__p_p_p_p_p_pf(_rec_object, _rec_f5, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_f5() if _rec_a5 is _rec_factory else _rec_a5)

    return __init__


def init__p_p_p_p_p_pf_pf_pf_pf(_rec_f5, _rec_factory, _rec_f6, _rec_f7, _rec_f8):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_f5() if _rec_a5 is _rec_factory else _rec_a5
        self._rec_a6 = _rec_f6() if _rec_a6 is _rec_factory else _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8

    return __init__


def init__p_p_p_p_pf_p(_rec_f4, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_f4() if _rec_a4 is _rec_factory else _rec_a4
        self._rec_a5 = _rec_a5

    return __init__


def init__p_p_p_p_pf_pf_pf_pf_pf_p_p_p_p(_rec_f4, _rec_factory, _rec_f5, _rec_f6, _rec_f7, _rec_f8):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_f4() if _rec_a4 is _rec_factory else _rec_a4
        self._rec_a5 = _rec_f5() if _rec_a5 is _rec_factory else _rec_a5
        self._rec_a6 = _rec_f6() if _rec_a6 is _rec_factory else _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8
        self._rec_a9 = _rec_a9
        self._rec_a10 = _rec_a10
        self._rec_a11 = _rec_a11
        self._rec_a12 = _rec_a12

    return __init__


def init__p_p_p_pf(_rec_f3, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_f3() if _rec_a3 is _rec_factory else _rec_a3

    return __init__


def init__p_p_p_pf_p_p_p_pf_pf(_rec_f3, _rec_factory, _rec_f7, _rec_f8):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_f3() if _rec_a3 is _rec_factory else _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8

    return __init__


def frozen__p_p_p_pf_p_pf_pf_p_pf_p_p_p_p(_rec_object, _rec_f3, _rec_factory, _rec_f5, _rec_f6, _rec_f8):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_f3() if _rec_a3 is _rec_factory else _rec_a3)
        _rec_object.__setattr__(self, '_rec_a4', _rec_a4)
        _rec_object.__setattr__(self, '_rec_a5', _rec_f5() if _rec_a5 is _rec_factory else _rec_a5)
        _rec_object.__setattr__(self, '_rec_a6', _rec_f6() if _rec_a6 is _rec_factory else _rec_a6)
        _rec_object.__setattr__(self, '_rec_a7', _rec_a7)
        _rec_object.__setattr__(self, '_rec_a8', _rec_f8() if _rec_a8 is _rec_factory else _rec_a8)
        _rec_object.__setattr__(self, '_rec_a9', _rec_a9)
        _rec_object.__setattr__(self, '_rec_a10', _rec_a10)
        _rec_object.__setattr__(self, '_rec_a11', _rec_a11)
        _rec_object.__setattr__(self, '_rec_a12', _rec_a12)

    return __init__


def init__p_p_p_pf_pf(_rec_f3, _rec_factory, _rec_f4):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_f3() if _rec_a3 is _rec_factory else _rec_a3
        self._rec_a4 = _rec_f4() if _rec_a4 is _rec_factory else _rec_a4

    return __init__


def init__p_p_pf(_rec_f2, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2

    return __init__


def frozen__p_p_pf_p(_rec_object, _rec_f2, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3):
        _rec_object.__setattr__(self, '_rec_a0', _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)
        _rec_object.__setattr__(self, '_rec_a2', _rec_f2() if _rec_a2 is _rec_factory else _rec_a2)
        _rec_object.__setattr__(self, '_rec_a3', _rec_a3)

    return __init__


def init__p_p_pf_p_p_p_p_pf(_rec_f2, _rec_factory, _rec_f7):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7

    return __init__


def init__p_p_pf_pf_pf_pf_p_pf_pf_pf_pf_pf(_rec_f2, _rec_factory, _rec_f3, _rec_f4, _rec_f5, _rec_f7, _rec_f8, _rec_f9, _rec_f10, _rec_f11):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2
        self._rec_a3 = _rec_f3() if _rec_a3 is _rec_factory else _rec_a3
        self._rec_a4 = _rec_f4() if _rec_a4 is _rec_factory else _rec_a4
        self._rec_a5 = _rec_f5() if _rec_a5 is _rec_factory else _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8
        self._rec_a9 = _rec_f9() if _rec_a9 is _rec_factory else _rec_a9
        self._rec_a10 = _rec_f10() if _rec_a10 is _rec_factory else _rec_a10
        self._rec_a11 = _rec_f11() if _rec_a11 is _rec_factory else _rec_a11

    return __init__


def init__p_p_pf_pf_pf_pf_pf_pf_pf_pf_pf_pf_pf_pf_pf_p(_rec_f2, _rec_factory, _rec_f3, _rec_f4, _rec_f5, _rec_f6, _rec_f7, _rec_f8, _rec_f9, _rec_f10, _rec_f11, _rec_f12, _rec_f13, _rec_f14):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11, _rec_a12, _rec_a13, _rec_a14, _rec_a15):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2
        self._rec_a3 = _rec_f3() if _rec_a3 is _rec_factory else _rec_a3
        self._rec_a4 = _rec_f4() if _rec_a4 is _rec_factory else _rec_a4
        self._rec_a5 = _rec_f5() if _rec_a5 is _rec_factory else _rec_a5
        self._rec_a6 = _rec_f6() if _rec_a6 is _rec_factory else _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7
        self._rec_a8 = _rec_f8() if _rec_a8 is _rec_factory else _rec_a8
        self._rec_a9 = _rec_f9() if _rec_a9 is _rec_factory else _rec_a9
        self._rec_a10 = _rec_f10() if _rec_a10 is _rec_factory else _rec_a10
        self._rec_a11 = _rec_f11() if _rec_a11 is _rec_factory else _rec_a11
        self._rec_a12 = _rec_f12() if _rec_a12 is _rec_factory else _rec_a12
        self._rec_a13 = _rec_f13() if _rec_a13 is _rec_factory else _rec_a13
        self._rec_a14 = _rec_f14() if _rec_a14 is _rec_factory else _rec_a14
        self._rec_a15 = _rec_a15

    return __init__


def init__p_pf(_rec_f1, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1

    return __init__


def init__p_pf_pf(_rec_f1, _rec_factory, _rec_f2):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2

    return __init__


def init__p_pf_pf_p_p(_rec_f1, _rec_factory, _rec_f2):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4

    return __init__


def init__p_pf_pf_pf(_rec_f1, _rec_factory, _rec_f2, _rec_f3):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2
        self._rec_a3 = _rec_f3() if _rec_a3 is _rec_factory else _rec_a3

    return __init__


def init__p_pf_pf_pf_pf_pf_p_p_p_p_p_p(_rec_f1, _rec_factory, _rec_f2, _rec_f3, _rec_f4, _rec_f5):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7, _rec_a8, _rec_a9, _rec_a10, _rec_a11):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2
        self._rec_a3 = _rec_f3() if _rec_a3 is _rec_factory else _rec_a3
        self._rec_a4 = _rec_f4() if _rec_a4 is _rec_factory else _rec_a4
        self._rec_a5 = _rec_f5() if _rec_a5 is _rec_factory else _rec_a5
        self._rec_a6 = _rec_a6
        self._rec_a7 = _rec_a7
        self._rec_a8 = _rec_a8
        self._rec_a9 = _rec_a9
        self._rec_a10 = _rec_a10
        self._rec_a11 = _rec_a11

    return __init__


def init__p_pf_pf_x_x(_rec_f1, _rec_factory, _rec_f2):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2):
        self._rec_a0 = _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2

    return __init__


def frozen__pf_p(_rec_object, _rec_f0, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1):
        _rec_object.__setattr__(self, '_rec_a0', _rec_f0() if _rec_a0 is _rec_factory else _rec_a0)
        _rec_object.__setattr__(self, '_rec_a1', _rec_a1)

    return __init__


def init__pf_p_p_p_p_p_p(_rec_f0, _rec_factory):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6):
        self._rec_a0 = _rec_f0() if _rec_a0 is _rec_factory else _rec_a0
        self._rec_a1 = _rec_a1
        self._rec_a2 = _rec_a2
        self._rec_a3 = _rec_a3
        self._rec_a4 = _rec_a4
        self._rec_a5 = _rec_a5
        self._rec_a6 = _rec_a6

    return __init__


def init__pf_pf(_rec_f0, _rec_factory, _rec_f1):
    def __init__(self, _rec_a0, _rec_a1):
        self._rec_a0 = _rec_f0() if _rec_a0 is _rec_factory else _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1

    return __init__


def init__pf_pf_pf(_rec_f0, _rec_factory, _rec_f1, _rec_f2):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2):
        self._rec_a0 = _rec_f0() if _rec_a0 is _rec_factory else _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2

    return __init__


def init__pf_pf_pf_pf_pf(_rec_f0, _rec_factory, _rec_f1, _rec_f2, _rec_f3, _rec_f4):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4):
        self._rec_a0 = _rec_f0() if _rec_a0 is _rec_factory else _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2
        self._rec_a3 = _rec_f3() if _rec_a3 is _rec_factory else _rec_a3
        self._rec_a4 = _rec_f4() if _rec_a4 is _rec_factory else _rec_a4

    return __init__


def init__pf_pf_pf_pf_pf_pf_pf_pf(_rec_f0, _rec_factory, _rec_f1, _rec_f2, _rec_f3, _rec_f4, _rec_f5, _rec_f6, _rec_f7):
    def __init__(self, _rec_a0, _rec_a1, _rec_a2, _rec_a3, _rec_a4, _rec_a5, _rec_a6, _rec_a7):
        self._rec_a0 = _rec_f0() if _rec_a0 is _rec_factory else _rec_a0
        self._rec_a1 = _rec_f1() if _rec_a1 is _rec_factory else _rec_a1
        self._rec_a2 = _rec_f2() if _rec_a2 is _rec_factory else _rec_a2
        self._rec_a3 = _rec_f3() if _rec_a3 is _rec_factory else _rec_a3
        self._rec_a4 = _rec_f4() if _rec_a4 is _rec_factory else _rec_a4
        self._rec_a5 = _rec_f5() if _rec_a5 is _rec_factory else _rec_a5
        self._rec_a6 = _rec_f6() if _rec_a6 is _rec_factory else _rec_a6
        self._rec_a7 = _rec_f7() if _rec_a7 is _rec_factory else _rec_a7

    return __init__
