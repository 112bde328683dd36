"""A learner's attempts at the exercises of notebook 03 (simple layers), as data for a replay.

ATTEMPTS: (exercise name, label, expected verdict "PASS" or "FAIL", code, check). `code` defines the
learner's names (with its own imports); `check` is the notebook's own check cell, whose last line is
the check call (an expression whose value is the verdict). Run `code`, then `check`, in one fresh
namespace. The correct alternatives are written differently from the notebook's solutions; the
wrong ones are the usual slips.
"""

DIV_CHECK = """\
import numpy as np
from common.selfcheck.graphs import check_two_input_layer

check_two_input_layer(DivLayer, np.divide)
"""

MAX_CHECK = """\
import numpy as np
from common.selfcheck.graphs import check_two_input_layer

check_two_input_layer(MaxLayer, np.maximum, tie="x")
"""

BAG_CHECK = """\
from common.layers import AddLayer, MulLayer
from common.selfcheck import check_gradient


def price_of(apple, bag, num, tax):   # the forward pass only: the check differentiates it numerically
    return (apple * num + bag * num) * tax


bag_points = [(100.0, 5.0, 2.0, 1.1), (80.0, 3.0, 4.0, 1.08), (1.5, -0.7, 2.5, 0.9)]
check_gradient(bag_gradients, price_of, bag_points)
"""

ATTEMPTS = [
    # ---------- DivLayer ----------
    ("DivLayer", "keeps 1 / y, returns a list", "PASS", """\
class DivLayer:
    def forward(self, x, y):
        self.x, self.inv_y = x, 1 / y
        return x * self.inv_y

    def backward(self, dout):
        return [dout * self.inv_y, -dout * self.x * self.inv_y ** 2]
""", DIV_CHECK),
    ("DivLayer", "keeps the output: dz/dy = -z / y", "PASS", """\
class DivLayer:
    def forward(self, x, y):
        self.y = y
        self.out = x / y
        return self.out

    def backward(self, dout):
        return dout / self.y, -dout * self.out / self.y
""", DIV_CHECK),
    ("DivLayer", "float32 throughout", "PASS", """\
import numpy as np

class DivLayer:
    def forward(self, x, y):
        self.x, self.y = np.float32(x), np.float32(y)
        return self.x / self.y

    def backward(self, dout):
        dout = np.float32(dout)
        return dout / self.y, -dout * self.x / (self.y * self.y)
""", DIV_CHECK),
    ("DivLayer", "MulLayer copied (forward x * y)", "FAIL", """\
class DivLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x
""", DIV_CHECK),
    ("DivLayer", "dz/dy without the minus sign", "FAIL", """\
class DivLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, dout):
        return dout / self.y, dout * self.x / self.y ** 2
""", DIV_CHECK),
    ("DivLayer", "dz/dy as -1 / y**2 (x forgotten)", "FAIL", """\
class DivLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, dout):
        return dout / self.y, -dout / self.y ** 2
""", DIV_CHECK),
    ("DivLayer", "the multiply rule's swap: dx = dout * y", "FAIL", """\
class DivLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, dout):
        return dout * self.y, -dout * self.x / self.y ** 2
""", DIV_CHECK),
    ("DivLayer", "backward ignores dout", "FAIL", """\
class DivLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, dout):
        return 1 / self.y, -self.x / self.y ** 2
""", DIV_CHECK),
    ("DivLayer", "divides dout in place", "FAIL", """\
class DivLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, dout):
        dout /= self.y
        return dout, -dout * self.x / self.y
""", DIV_CHECK),
    ("DivLayer", "forward keeps nothing", "FAIL", """\
class DivLayer:
    def forward(self, x, y):
        return x / y

    def backward(self, dout):
        return dout / self.y, -dout * self.x / self.y ** 2
""", DIV_CHECK),
    ("DivLayer", "an __init__ that raises", "FAIL", """\
class DivLayer:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def forward(self, x, y):
        return x / y

    def backward(self, dout):
        return dout / self.y, -dout * self.x / self.y ** 2
""", DIV_CHECK),
    ("DivLayer", "an instance passed instead of the class", "FAIL", """\
class DivClass:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, dout):
        return dout / self.y, -dout * self.x / self.y ** 2


DivLayer = DivClass()
""", DIV_CHECK),
    ("DivLayer", "backward returns dx only", "FAIL", """\
class DivLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return x / y

    def backward(self, dout):
        return dout / self.y
""", DIV_CHECK),

    # ---------- MaxLayer ----------
    ("MaxLayer", "a float mask, multiplied", "PASS", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        self.to_x = (x >= y).astype(float)
        return np.maximum(x, y)

    def backward(self, dout):
        return dout * self.to_x, dout * (1 - self.to_x)
""", MAX_CHECK),
    ("MaxLayer", "the mask of y's wins, a list returned", "PASS", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        self.y_wins = y > x
        return np.where(self.y_wins, y, x)

    def backward(self, dout):
        dx = dout.copy()
        dx[self.y_wins] = 0
        dy = np.zeros_like(dout)
        dy[self.y_wins] = dout[self.y_wins]
        return [dx, dy]
""", MAX_CHECK),
    ("MaxLayer", "float32 throughout", "PASS", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        x, y = np.float32(x), np.float32(y)
        self.mask = x >= y
        return np.maximum(x, y)

    def backward(self, dout):
        dout = np.float32(dout)
        return np.where(self.mask, dout, np.float32(0)), np.where(self.mask, np.float32(0), dout)
""", MAX_CHECK),
    ("MaxLayer", "x > y: the tie goes to y", "FAIL", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        self.mask = x > y
        return np.maximum(x, y)

    def backward(self, dout):
        return np.where(self.mask, dout, 0.0), np.where(self.mask, 0.0, dout)
""", MAX_CHECK),
    ("MaxLayer", "x >= y and y >= x: both win a tie", "FAIL", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        self.x, self.y = x, y
        return np.maximum(x, y)

    def backward(self, dout):
        return dout * (self.x >= self.y), dout * (self.y >= self.x)
""", MAX_CHECK),
    ("MaxLayer", "the gradient sent to the input that lost", "FAIL", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        self.mask = x >= y
        return np.maximum(x, y)

    def backward(self, dout):
        return np.where(self.mask, 0.0, dout), np.where(self.mask, dout, 0.0)
""", MAX_CHECK),
    ("MaxLayer", "the whole gradient to both inputs (an add node's rule)", "FAIL", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        return np.maximum(x, y)

    def backward(self, dout):
        return dout * 1, dout * 1
""", MAX_CHECK),
    ("MaxLayer", "backward ignores dout", "FAIL", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        self.mask = x >= y
        return np.maximum(x, y)

    def backward(self, dout):
        return self.mask * 1.0, (~self.mask) * 1.0
""", MAX_CHECK),
    ("MaxLayer", "min instead of max", "FAIL", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        self.mask = x <= y
        return np.minimum(x, y)

    def backward(self, dout):
        return np.where(self.mask, dout, 0.0), np.where(self.mask, 0.0, dout)
""", MAX_CHECK),
    ("MaxLayer", "zeroes dout in place for dx", "FAIL", """\
import numpy as np

class MaxLayer:
    def forward(self, x, y):
        self.mask = x >= y
        return np.maximum(x, y)

    def backward(self, dout):
        dy = np.where(self.mask, 0.0, dout)
        dout[~self.mask] = 0
        return dout, dy
""", MAX_CHECK),

    # ---------- bag_gradients ----------
    ("bag_gradients", "backward through mul_apple before mul_bag, a list", "PASS", """\
from common.layers import AddLayer, MulLayer

def bag_gradients(apple, bag, num, tax):
    mul_apple, mul_bag, add_price, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    price = mul_tax.forward(add_price.forward(mul_apple.forward(apple, num), mul_bag.forward(bag, num)), tax)
    dall, dtax = mul_tax.backward(1.0)
    dapple_price, dbag_price = add_price.backward(dall)
    dapple, dnum = mul_apple.backward(dapple_price)
    dbag, more = mul_bag.backward(dbag_price)
    dnum += more
    return [dapple, dbag, dnum, dtax]
""", BAG_CHECK),
    ("bag_gradients", "the layers in a list, backward by reversed()", "PASS", """\
from common.layers import AddLayer, MulLayer

def bag_gradients(apple, bag, num, tax):
    mul_apple, mul_bag, add_price, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    a = mul_apple.forward(apple, num)
    b = mul_bag.forward(bag, num)
    mul_tax.forward(add_price.forward(a, b), tax)
    grads = {}
    dall, grads["tax"] = mul_tax.backward(1)
    da, db = add_price.backward(dall)
    for layer, upstream, name in reversed([(mul_apple, da, "apple"), (mul_bag, db, "bag")]):
        own, to_num = layer.backward(upstream)
        grads[name] = own
        grads["num"] = grads.get("num", 0) + to_num
    return grads["apple"], grads["bag"], grads["num"], grads["tax"]
""", BAG_CHECK),
    ("bag_gradients", "num gets only the apple layer's share", "FAIL", """\
from common.layers import AddLayer, MulLayer

def bag_gradients(apple, bag, num, tax):
    mul_apple, mul_bag, add_price, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    mul_tax.forward(add_price.forward(mul_apple.forward(apple, num), mul_bag.forward(bag, num)), tax)
    dall, dtax = mul_tax.backward(1)
    dapple_price, dbag_price = add_price.backward(dall)
    dbag, _ = mul_bag.backward(dbag_price)
    dapple, dnum = mul_apple.backward(dapple_price)
    return dapple, dbag, dnum, dtax
""", BAG_CHECK),
    ("bag_gradients", "num's second share overwrites the first", "FAIL", """\
from common.layers import AddLayer, MulLayer

def bag_gradients(apple, bag, num, tax):
    mul_apple, mul_bag, add_price, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    mul_tax.forward(add_price.forward(mul_apple.forward(apple, num), mul_bag.forward(bag, num)), tax)
    dall, dtax = mul_tax.backward(1)
    dapple_price, dbag_price = add_price.backward(dall)
    dapple, dnum = mul_apple.backward(dapple_price)
    dbag, dnum = mul_bag.backward(dbag_price)
    return dapple, dbag, dnum, dtax
""", BAG_CHECK),
    ("bag_gradients", "the × layers fed 1 instead of the gradient from above", "FAIL", """\
from common.layers import AddLayer, MulLayer

def bag_gradients(apple, bag, num, tax):
    mul_apple, mul_bag, add_price, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    mul_tax.forward(add_price.forward(mul_apple.forward(apple, num), mul_bag.forward(bag, num)), tax)
    _, dtax = mul_tax.backward(1)
    dapple, dnum_a = mul_apple.backward(1)
    dbag, dnum_b = mul_bag.backward(1)
    return dapple, dbag, dnum_a + dnum_b, dtax
""", BAG_CHECK),
    ("bag_gradients", "the tax layer's outputs swapped", "FAIL", """\
from common.layers import AddLayer, MulLayer

def bag_gradients(apple, bag, num, tax):
    mul_apple, mul_bag, add_price, mul_tax = MulLayer(), MulLayer(), AddLayer(), MulLayer()
    mul_tax.forward(add_price.forward(mul_apple.forward(apple, num), mul_bag.forward(bag, num)), tax)
    dtax, dall = mul_tax.backward(1)
    dapple_price, dbag_price = add_price.backward(dall)
    dapple, dnum_a = mul_apple.backward(dapple_price)
    dbag, dnum_b = mul_bag.backward(dbag_price)
    return dapple, dbag, dnum_a + dnum_b, dtax
""", BAG_CHECK),
    ("bag_gradients", "one MulLayer reused for both products", "FAIL", """\
from common.layers import AddLayer, MulLayer

def bag_gradients(apple, bag, num, tax):
    mul, add_price, mul_tax = MulLayer(), AddLayer(), MulLayer()
    apple_price = mul.forward(apple, num)
    bag_price = mul.forward(bag, num)          # overwrites what the apple product kept
    mul_tax.forward(add_price.forward(apple_price, bag_price), tax)
    dall, dtax = mul_tax.backward(1)
    dapple_price, dbag_price = add_price.backward(dall)
    dbag, dnum_b = mul.backward(dbag_price)
    dapple, dnum_a = mul.backward(dapple_price)
    return dapple, dbag, dnum_a + dnum_b, dtax
""", BAG_CHECK),
]
