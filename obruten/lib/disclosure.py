"""Statistical disclosure control for tables of counts with row and column totals.

Plain Python (with SciPy's linear programming for the attacker's check), no Django.

The protection rule (docs/statistics.md):

1. **Primary suppression**: every count from 1 to ``threshold - 1`` is hidden, in the body
   and in the totals. 0 is shown.
2. **Secondary suppression**: no row or column (with its total) may have exactly one hidden
   cell, since it would equal the total minus the visible cells.
3. **The attacker's check**: for every primarily hidden cell, linear programming over the
   published cells and totals (all counts ≥ 0) must allow both 0 and ``threshold`` or more.
   A count of 1–4 then cannot be told from 0 or from 5 and more. Where it does not, more
   cells are hidden until it does.

A share (percentage) is not shown when its denominator is under ``min_denominator`` or
either count is hidden.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import highspy
import numpy as np
from scipy import sparse
from scipy.optimize import linprog

Cell = tuple[int, int]


@dataclass(frozen=True)
class Rules:
    threshold: int = 5  # counts 1..threshold-1 are hidden
    min_denominator: int = 10  # no share with a smaller denominator
    symbol: str = "*"


DEFAULT_RULES = Rules()


@dataclass(frozen=True)
class ProtectedTable:
    """A table with its totals (the last row and the last column), each cell either
    published or hidden. Only this type reaches a renderer."""

    row_labels: tuple[str, ...]
    col_labels: tuple[str, ...]  # the last is the total
    grid: tuple[tuple[int, ...], ...]  # (rows + 1) × (cols + 1), totals included
    hidden: frozenset[Cell]
    primary: frozenset[Cell]
    rules: Rules = field(default=DEFAULT_RULES)
    row_totals: bool = True

    def value(self, row: int, col: int) -> int | None:
        return None if (row, col) in self.hidden else self.grid[row][col]

    def display(self, row: int, col: int) -> str:
        value = self.value(row, col)
        return self.rules.symbol if value is None else str(value)

    def published_rows(self) -> list[list[int | None]]:
        return [[self.value(r, c) for c in range(len(self.grid[0]))] for r in range(len(self.grid))]


def with_totals(
    cells: Sequence[Sequence[int]], *, row_totals: bool = True, width: int | None = None
) -> list[list[int]]:
    """The body with a total column (``row_totals``) and a total row; ``width`` is the
    number of body columns, for a table without rows."""
    rows = [list(row) + ([sum(row)] if row_totals else []) for row in cells]
    columns = len(rows[0]) if rows else (width or 0) + int(row_totals) if width is not None else 1
    rows.append([sum(row[c] for row in rows) for c in range(columns)])
    return rows


def _equations(n_rows: int, n_cols: int, *, row_totals: bool = True) -> list[list[Cell]]:
    """Each row and column of the grid with its total as the last cell: body sums to total.
    Without row totals (columns that do not add up across, such as "children" and
    "children who reach the goal") only the columns are equations."""
    rows = [[(r, c) for c in range(n_cols)] for r in range(n_rows)] if row_totals else []
    cols = [[(r, c) for r in range(n_rows)] for c in range(n_cols)]
    return rows + cols


def _partner(grid: list[list[int]], equation: list[Cell], hidden: set[Cell], rules: Rules) -> Cell | None:
    """The visible cell to hide with: the smallest count of ``threshold`` or more (it can
    absorb a small cell's uncertainty), else the largest visible one."""
    visible = [cell for cell in equation if cell not in hidden]
    if not visible:
        return None
    large = [cell for cell in visible if grid[cell[0]][cell[1]] >= rules.threshold]
    if large:
        return min(large, key=lambda cell: (grid[cell[0]][cell[1]], cell))
    return max(visible, key=lambda cell: (grid[cell[0]][cell[1]], cell))


def _close_single_hidden(grid: list[list[int]], hidden: set[Cell], rules: Rules, row_totals: bool) -> None:
    equations = _equations(len(grid), len(grid[0]), row_totals=row_totals)
    changed = True
    while changed:
        changed = False
        for equation in equations:
            if sum(cell in hidden for cell in equation) == 1:
                partner = _partner(grid, equation, hidden, rules)
                if partner is not None:
                    hidden.add(partner)
                    changed = True


def feasible_range(
    grid: Sequence[Sequence[int]], hidden: set[Cell] | frozenset[Cell], cell: Cell, *, row_totals: bool = True
) -> tuple[float, float]:
    """The attacker's view: the least and the greatest value ``cell`` can take, given the
    published cells and that every row and column sums to its total."""
    variables = sorted(hidden)
    index = {c: i for i, c in enumerate(variables)}
    a_eq, b_eq = [], []
    for equation in _equations(len(grid), len(grid[0]), row_totals=row_totals):
        *body, total = equation
        coefficients = np.zeros(len(variables))
        constant = 0.0
        for c, sign in [(c, 1.0) for c in body] + [(total, -1.0)]:
            if c in index:
                coefficients[index[c]] += sign
            else:
                constant -= sign * grid[c[0]][c[1]]
        if coefficients.any():
            a_eq.append(coefficients)
            b_eq.append(constant)
    objective = np.zeros(len(variables))
    objective[index[cell]] = 1.0
    bounds = [(0, None)] * len(variables)
    low = linprog(objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
    high = linprog(-objective, A_eq=a_eq or None, b_eq=b_eq or None, bounds=bounds, method="highs")
    upper = float("inf") if high.status == 3 else -high.fun  # 3: unbounded
    return float(low.fun), upper


def _moves(
    grid: Sequence[Sequence[int]], hidden: set[Cell] | frozenset[Cell], cell: Cell, row_totals: bool
) -> tuple[int, int]:
    """How far a body cell can be moved down and up by trading with other hidden cells
    without changing any published figure: around a rectangle of hidden cells (rows and
    columns keep their sums), or, in a table without row totals, with a hidden cell of the
    same column. A cheap lower bound of what linear programming would find."""
    row, col = cell
    n_rows, n_cols = len(grid) - 1, len(grid[0]) - (1 if row_totals else 0)
    if row >= n_rows or col >= n_cols:
        return 0, 0  # a total: leave it to linear programming
    down = up = 0
    for other_row in range(n_rows):
        if other_row == row or (other_row, col) not in hidden:
            continue
        if not row_totals:
            down = max(down, grid[other_row][col])
            up = max(up, grid[other_row][col])
            continue
        for other_col in range(n_cols):
            if other_col != col and (row, other_col) in hidden and (other_row, other_col) in hidden:
                down = max(down, grid[other_row][other_col])
                up = max(up, min(grid[row][other_col], grid[other_row][col]))
    return down, up


def is_protected(
    grid: Sequence[Sequence[int]],
    hidden: set[Cell] | frozenset[Cell],
    cell: Cell,
    rules: Rules,
    row_totals: bool,
) -> bool:
    value = grid[cell[0]][cell[1]]
    down, up = _moves(grid, hidden, cell, row_totals)
    if down >= value and up >= rules.threshold - value:
        return True  # a rectangle (or pair) of hidden cells already makes 0 and 5 possible
    low, high = feasible_range(grid, hidden, cell, row_totals=row_totals)
    return low <= 1e-6 and high >= rules.threshold - 1e-6


def protect(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    cells: Sequence[Sequence[int]],
    rules: Rules = DEFAULT_RULES,
    *,
    row_totals: bool = True,
) -> ProtectedTable:
    """Protect a table of counts: ``cells`` is the body; totals are added here, so a
    published total always equals the sum it claims."""
    grid = with_totals(cells, row_totals=row_totals)
    primary = {
        (r, c) for r, row in enumerate(grid) for c, value in enumerate(row) if 0 < value < rules.threshold
    }
    hidden = set(primary)
    safe: set[Cell] = set()
    while True:
        _close_single_hidden(grid, hidden, rules, row_totals)
        # Hiding more only widens the ranges, so a cell found safe stays safe.
        weak = []
        for cell in sorted(primary - safe):
            if is_protected(grid, hidden, cell, rules, row_totals):
                safe.add(cell)
            else:
                weak.append(cell)
                break
        if not weak:
            break
        row, col = weak[0]
        # Widen the weakest cell's room: hide a partner in its row, or else its column.
        same_row = [(row, c) for c in range(len(grid[0]))] if row_totals else []
        partner = _partner(grid, same_row, hidden, rules) or _partner(
            grid, [(r, col) for r in range(len(grid))], hidden, rules
        )
        if partner is None:
            break  # everything around it is hidden already
        hidden.add(partner)
    return ProtectedTable(
        row_labels=(*row_labels, "Totalt"),
        col_labels=(*col_labels, "Totalt") if row_totals else tuple(col_labels),
        grid=tuple(tuple(row) for row in grid),
        hidden=frozenset(hidden),
        primary=frozenset(primary),
        rules=rules,
        row_totals=row_totals,
    )


def share(numerator: int | None, denominator: int | None, rules: Rules = DEFAULT_RULES) -> float | None:
    """A share in per cent with one decimal, or None when it must not be shown."""
    if numerator is None or denominator is None or denominator < rules.min_denominator:
        return None
    return round(100.0 * numerator / denominator, 1)


def hide_more(table: ProtectedTable, cells: set[Cell]) -> ProtectedTable:
    """The table with more cells hidden. Hiding more only widens what an attacker can
    infer, so the protection of the cells hidden already holds."""
    return replace(table, hidden=table.hidden | frozenset(cells))


# Linked suppression: many published tables that share their children (every filter and
# period of a report) protected together, as one set of cells and the relations between them.

Key = Any  # any hashable name of a cell


@dataclass(frozen=True)
class Relation:
    """What an attacker knows about published cells: ``total`` is the sum of ``parts``
    (``exact``), or, where the total counts distinct children (a child in two forms, or
    placed in two months of a tertial), each part is at most the total and the total at
    most the sum of the parts."""

    total: Key
    parts: tuple[Key, ...]
    exact: bool = True
    subset: bool = False  # only each part at most the total (a part of the total's children)
    disjoint: bool = False  # with subset: the parts are separate groups, their sum at most the total
    # With subset and disjoint: the sum of the parts times these is at most the total, for
    # what is reasoned with other coefficients than 1 (inclusion–exclusion).
    weights: tuple[int, ...] = ()
    # An equation the counts happen to meet (``as_they_hold``): the attacker's check weighs
    # it, but it asks for no partner of its own, since only the check knows whether a reader
    # assuming it learns anything.
    assumed: bool = False

    def cells(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)

    def holds(self, values: Mapping[Key, int]) -> bool:
        """Whether the counts satisfy the relation."""
        total, parts = values[self.total], [values[part] for part in self.parts]
        if self.exact and not self.subset:
            return total == self.weighted_sum(values)
        if self.weights:
            return sum(w * part for w, part in zip(self.weights, parts, strict=True)) <= total
        within = all(part <= total for part in parts)
        if self.subset:
            return within and (not self.disjoint or sum(parts) <= total)
        return within and total <= sum(parts)

    def weighted_sum(self, values: Mapping[Key, int]) -> int:
        weights = self.weights or (1,) * len(self.parts)
        return sum(w * values[part] for w, part in zip(weights, self.parts, strict=True))

    def as_equation(self) -> Relation:
        """The total is the (weighted) sum of the parts, as the counts show."""
        return Relation(self.total, self.parts, exact=True, weights=self.weights, assumed=True)


def as_they_hold(values: Mapping[Key, int], relations: Sequence[Relation]) -> list[Relation]:
    """Each relation whose bound on a sum holds with equality in these counts, as an
    equation. The attacker who sees published totals add up (a distinct-children total
    that equals the sum of its parts, as it does when no child counts in two of them) may
    assume they add up where cells are hidden too, and draws true conclusions; so the
    protection holds against that attacker (issue 19, finding 2). A bound that is not met
    with equality stays a bound: assuming equality there leads the attacker astray."""
    held = []
    for relation in relations:
        sums = not relation.subset or relation.disjoint
        tight = sums and values[relation.total] == relation.weighted_sum(values)
        held.append(
            relation.as_equation() if tight and not (relation.exact and not relation.subset) else relation
        )
    return held


@dataclass(frozen=True)
class LinkedProtection:
    values: Mapping[Key, int]
    hidden: frozenset[Key]
    primary: frozenset[Key]


class _System:
    """The attacker's linear program, built once in HiGHS: every cell is a column, fixed at
    its count while published and free (>= 0) once hidden, each relation a row. Hiding more
    cells and every check only change bounds and costs, so each solve starts from the last
    basis, which makes the many small programs of a protection cheap.

    Beside each cell x_i of ``candidates`` is a helper t_i <= x_i, fixed at 0 until a solve
    caps it at ``limit``: maximising the sum of the capped t_i pushes as many of those cells
    as possible to ``limit`` at once."""

    def __init__(
        self, values: Mapping[Key, int], relations: Sequence[Relation], candidates: Sequence[Key]
    ) -> None:
        self.variables = sorted(values, key=repr)
        self.index = {key: i for i, key in enumerate(self.variables)}
        self.values = np.array([float(values[key]) for key in self.variables])
        self.eq, self.ub = _relation_rows(self.index, relations)
        eq, ub = self.eq, list(self.ub)
        n = len(self.variables)
        self.capped = {self.index[key]: n + k for k, key in enumerate(candidates)}
        ub += [{x: -1.0, t: 1.0} for x, t in self.capped.items()]  # t_i - x_i <= 0
        self.width = n + len(self.capped)
        self.highs = _highs(
            self.width, [(c, 0.0, 0.0) for c in eq] + [(c, -highspy.kHighsInf, 0.0) for c in ub]
        )
        self.highs.changeColsBounds(n, self._columns(0)[:n], self.values, self.values)
        self.hidden: set[Key] = set()

    def hide(self, keys: set[Key] | frozenset[Key]) -> None:
        """Free the cells that are hidden now: the attacker knows only that they are >= 0."""
        new = sorted(self.index[key] for key in set(keys) - self.hidden)
        self.hidden |= set(keys)
        if new:
            infinite = np.full(len(new), highspy.kHighsInf)
            self.highs.changeColsBounds(
                len(new), np.asarray(new, dtype=np.int32), np.zeros(len(new)), infinite
            )

    def push(self, cells: Sequence[Key], *, up: bool, limit: float) -> np.ndarray | None:
        """A feasible point with as many of ``cells`` as possible at 0 (minimising their
        sum), or, ``up``, at ``limit`` or more (maximising the sum of their capped helpers)."""
        n = len(self.variables)
        costs, upper = np.zeros(self.width), np.zeros(self.width - n)
        chosen = [self.index[key] for key in cells]
        if up:
            helpers = np.asarray([self.capped[i] for i in chosen], dtype=np.int64)
            costs[helpers], upper[helpers - n] = -1.0, limit
        else:
            costs[chosen] = 1.0
        self.highs.changeColsCost(self.width, self._columns(0), costs)
        if self.width > n:
            self.highs.changeColsBounds(self.width - n, self._columns(n), np.zeros(self.width - n), upper)
        point = self._run(strategy=PRIMAL_SIMPLEX)  # only the costs changed: the basis stays feasible
        self._reset()
        return point

    def with_bound(self, key: Key, lower: float, upper: float) -> np.ndarray | None:
        """A feasible point with ``key`` between ``lower`` and ``upper``, or None if there is
        none. Only a bound changes between checks, so each starts from the last basis."""
        i = self.index[key]
        self.highs.changeColBounds(i, lower, upper)
        point = self._run(strategy=DUAL_SIMPLEX)  # a zero objective: every basis is dual feasible
        self.highs.changeColBounds(i, 0.0, highspy.kHighsInf)
        return point

    def _columns(self, start: int) -> np.ndarray:
        return np.arange(start, self.width, dtype=np.int32)

    def _reset(self) -> None:
        """Zero costs and the helpers fixed at 0: a pure feasibility problem."""
        n = len(self.variables)
        self.highs.changeColsCost(self.width, self._columns(0), np.zeros(self.width))
        if self.width > n:
            zeros = np.zeros(self.width - n)
            self.highs.changeColsBounds(self.width - n, self._columns(n), zeros, zeros)

    def _run(self, strategy: int) -> np.ndarray | None:
        self.highs.setOptionValue("simplex_strategy", strategy)
        self.highs.run()
        if self.highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.asarray(self.highs.getSolution().col_value[: len(self.variables)])


DUAL_SIMPLEX, PRIMAL_SIMPLEX = 1, 4  # HiGHS's simplex_strategy values


def _relation_rows(
    index: Mapping[Key, int], relations: Sequence[Relation]
) -> tuple[list[dict[int, float]], list[dict[int, float]]]:
    """Each relation as rows over the cells' columns: sums that are 0 (``eq``) and sums
    that are at most 0 (``ub``)."""

    def row(terms: list[tuple[Key, float]]) -> dict[int, float]:
        coefficients: dict[int, float] = defaultdict(float)
        for key, sign in terms:
            coefficients[index[key]] += sign
        return coefficients

    eq: list[dict[int, float]] = []
    ub: list[dict[int, float]] = []
    for relation in relations:
        weights = relation.weights or (1,) * len(relation.parts)
        total_minus_parts = row(
            [(relation.total, 1.0), *((p, -float(w)) for p, w in zip(relation.parts, weights, strict=True))]
        )
        if relation.exact and not relation.subset:
            eq.append(total_minus_parts)
            continue
        if not relation.subset:
            ub.append(total_minus_parts)  # total <= sum of the parts
        if relation.disjoint:  # sum of the parts (times their weights) <= total
            terms = [
                (relation.total, -1.0),
                *((p, float(w)) for p, w in zip(relation.parts, weights, strict=True)),
            ]
            ub.append(row(terms))
            continue
        ub += [row([(part, 1.0), (relation.total, -1.0)]) for part in relation.parts]
    return eq, ub


class _Repair:
    """The cheapest cells to hide so that one hidden cell can be 0, or the threshold or
    more, as far as the attacker can tell: a linear program over each cell's deviation
    from its count, d = d⁺ − d⁻, that keeps every relation and every count >= 0 and costs
    each published cell's price per unit moved (the hidden move freely). The published
    cells its optimum moves are the ones to hide: with them hidden, its point is one the
    attacker cannot rule out. This is the attacker's subproblem of Fischetti and
    Salazar-González's cell suppression model (the one tau-ARGUS's *Optimal* solves),
    solved one weak cell at a time with the cells hidden so far free: a heuristic, not
    the integer optimum, whose every answer the attacker's check then judges."""

    def __init__(self, system: _System, price: np.ndarray) -> None:
        self.counts = system.values
        n = self.n = len(self.counts)

        def split(coefficients: dict[int, float]) -> dict[int, float]:  # over d⁺ and d⁻
            return {**coefficients, **{n + c: -value for c, value in coefficients.items()}}

        # The counts meet every relation, so the deviations meet the same equations and
        # each inequality with the slack the counts leave.
        self.highs = _highs(
            2 * n,
            [(split(c), 0.0, 0.0) for c in system.eq]
            + [
                (split(c), -highspy.kHighsInf, -sum(a * self.counts[i] for i, a in c.items()))
                for c in system.ub
            ],
        )
        upper = np.concatenate([np.full(n, highspy.kHighsInf), self.counts])  # d⁻ <= the count
        self.highs.changeColsBounds(2 * n, np.arange(2 * n, dtype=np.int32), np.zeros(2 * n), upper)
        self.cost = np.concatenate([price, price]).astype(float)
        self.highs.changeColsCost(2 * n, np.arange(2 * n, dtype=np.int32), self.cost)
        self.highs.setOptionValue("simplex_strategy", DUAL_SIMPLEX)

    def hide(self, columns: Sequence[int]) -> None:
        if columns:
            self.cost[list(columns)] = 0.0
            self.cost[[self.n + c for c in columns]] = 0.0
            self.highs.changeColsCost(2 * self.n, np.arange(2 * self.n, dtype=np.int32), self.cost)

    def point(self, column: int, *, up: bool, limit: float) -> np.ndarray | None:
        """The cheapest counts with ``column`` at ``limit`` or more (``up``), or at 0."""
        n, count, highs = self.n, self.counts[column], self.highs
        if up:
            highs.changeColBounds(column, limit - count, highspy.kHighsInf)
            highs.changeColBounds(n + column, 0.0, 0.0)
        else:
            highs.changeColBounds(column, 0.0, 0.0)
            highs.changeColBounds(n + column, count, count)
        highs.run()
        found = highs.getModelStatus() == highspy.HighsModelStatus.kOptimal
        deviation = np.asarray(highs.getSolution().col_value) if found else None
        highs.changeColBounds(column, 0.0, highspy.kHighsInf)
        highs.changeColBounds(n + column, 0.0, count)
        if deviation is None:
            return None
        return self.counts + deviation[:n] - deviation[n:]


Row = tuple[dict[int, float], float, float]  # coefficients by column, lower and upper bound


def _highs(width: int, rows: list[Row]) -> highspy.Highs:
    """A HiGHS model of ``width`` columns, fixed at 0 until a caller frees them, with rows
    lower <= sum(coefficients) <= upper."""
    rows = [row for row in rows if any(row[0].values())]
    data, row_index, col_index = [], [], []
    for r, (coefficients, _, _) in enumerate(rows):
        for c, value in coefficients.items():
            if value:
                data.append(value)
                row_index.append(r)
                col_index.append(c)
    matrix = sparse.csc_array((data, (row_index, col_index)), shape=(len(rows), width))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = width, len(rows)
    lp.col_cost_ = np.zeros(width)
    lp.col_lower_ = np.zeros(width)
    lp.col_upper_ = np.zeros(width)
    lp.row_lower_ = np.array([lower for _, lower, _ in rows])
    lp.row_upper_ = np.array([upper for _, _, upper in rows])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    highs = highspy.Highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("presolve", "off")  # keep the basis between solves
    highs.passModel(lp)
    return highs


def weak_cells(
    values: Mapping[Key, int],
    hidden: set[Key] | frozenset[Key],
    relations: Sequence[Relation],
    cells: set[Key],
    rules: Rules = DEFAULT_RULES,
) -> set[Key]:
    """The attacker's check over every relation at once: the cells of ``cells`` that
    cannot be both 0 and ``threshold`` or more given everything published.

    One linear program per cell and bound would be thousands at city scale. Any feasible
    point is a witness instead: a cell that is 0 in one, and ``threshold`` or more in
    another, is protected. A few programs that push as many cells as possible to 0, and to
    the threshold, at once prove most cells; each of the rest is checked by fixing its
    bound (0, or at least the threshold) and asking whether the system is still feasible,
    from the last basis, which takes a few simplex iterations."""
    if not cells:
        return set()
    system = _System(values, relations, sorted(cells, key=repr))
    system.hide(hidden)
    return _weak(system, cells, float(rules.threshold))


BATCH = 64  # measured on the demo's placements cube: fewer pushes cost more


def _weak(system: _System, cells: set[Key], limit: float) -> set[Key]:
    needed = _unwitnessed(system, cells, limit)
    for key, up in sorted(needed, key=repr):
        if (key, up) in needed:
            needed -= _met(system, needed, system.with_bound(key, *_bound(up, limit)), limit)
    return {key for key, _ in needed}


Need = tuple[Key, bool]  # a cell and whether it must reach the threshold (else 0)


def _unwitnessed(system: _System, cells: set[Key], limit: float) -> set[Need]:
    """The bounds of ``cells`` that a few pushes of many cells at once leave unproved."""
    needed = {(key, up) for key in cells for up in (False, True)}
    # A push costs about as much as checking a few dozen cells one by one.
    for up in (False, True):
        while True:
            mine = sorted((key for key, high in needed if high == up), key=repr)
            if len(mine) <= BATCH:
                break
            met = _met(system, needed, system.push(mine, up=up, limit=limit), limit)
            if not met:
                break
            needed -= met
    return needed


def _met(system: _System, needed: set[Need], point: np.ndarray | None, limit: float) -> set[Need]:
    """The bounds a feasible point of the attacker's program proves."""
    if point is None:
        return set()
    at = system.index
    return {
        (key, up) for key, up in needed if (point[at[key]] >= limit - 1e-6 if up else point[at[key]] <= 1e-6)
    }


def _bound(up: bool, limit: float) -> tuple[float, float]:
    return (limit, highspy.kHighsInf) if up else (0.0, 0.0)


def protect_linked(
    values: Mapping[Key, int],
    relations: Sequence[Relation],
    rules: Rules = DEFAULT_RULES,
    sensitive: frozenset[Key] = frozenset(),
    weight: Callable[[Key], float] = lambda key: 1.0,
) -> LinkedProtection:
    """Protect every published cell at once: primary suppression of each count 1 to
    ``threshold - 1`` and of each ``sensitive`` cell (a small group's one answer, see
    ``whole_group_answers``), then, for each cell the attacker's check over all relations
    together finds weak, the cheapest published cells to hide with it (``_Repair``) until
    none is weak. Hiding a cell costs its ``weight`` times a price that grows slowly with
    its count, so small counts are hidden before large ones and the cells a reader needs
    most (``weight``) last. Cells that are the same count by a relation (``total`` equal
    to one part) are one cell to protect: hidden or shown together."""
    same = _identities(relations)
    canonical = _merge(values, relations, same)
    if canonical is not None:
        merged_values, merged_relations = canonical
        heaviest: dict[Key, float] = defaultdict(float)
        for key in values:
            heaviest[same.get(key, key)] = max(heaviest[same.get(key, key)], weight(key))
        merged = protect_linked(
            merged_values,
            merged_relations,
            rules,
            frozenset(same.get(key, key) for key in sensitive),
            heaviest.__getitem__,
        )
        return LinkedProtection(
            values=dict(values),
            hidden=frozenset(key for key in values if same.get(key, key) in merged.hidden),
            primary=frozenset(key for key in values if 0 < values[key] < rules.threshold) | sensitive,
        )
    primary = {key for key, value in values.items() if 0 < value < rules.threshold} | set(sensitive)
    hidden = set(primary)
    system = _System(values, relations, sorted(primary, key=repr))
    system.hide(hidden)
    price = {key: weight(key) * (1.0 + math.log1p(values[key]) / 5) for key in values}
    repair = _Repair(system, np.array([price[key] for key in system.variables]))
    repair.hide([system.index[key] for key in hidden])
    related: dict[Key, list[Relation]] = defaultdict(list)
    for relation in relations:
        for key in relation.cells():
            related[key].append(relation)
    limit = float(rules.threshold)
    needed = _unwitnessed(system, primary, limit)
    # Dearest first: the cells hidden for one often free the next, so each bound is
    # checked again before it is repaired. A point that proves a bound stays a proof as
    # more is hidden (a published cell freed only widens the attacker's ranges).
    for key, up in sorted(needed, key=lambda need: (-price[need[0]], repr(need))):
        if (key, up) not in needed:
            continue
        point = system.with_bound(key, *_bound(up, limit))
        if point is None:
            point = repair.point(system.index[key], up=up, limit=limit)
            moved = (
                {system.variables[i] for i in np.nonzero(np.abs(point - system.values) > 1e-7)[0]} - hidden
                if point is not None
                else set()
            )
            hidden |= moved
            system.hide(moved)
            repair.hide([system.index[cell] for cell in moved])
            # The attacker's own program judges the repair (its point within tolerances).
            point = system.with_bound(key, *_bound(up, limit))
        while point is None:  # no repair found (never seen): partners from the cell's relations
            partner = _partner_near(values, related, key, hidden, rules)
            if partner is None:
                raise ValueError(f"no pattern of hidden cells protects {key!r}")
            hidden.add(partner)
            system.hide({partner})
            repair.hide([system.index[partner]])
            point = system.with_bound(key, *_bound(up, limit))
        needed -= _met(system, needed, point, limit)
    return LinkedProtection(values=dict(values), hidden=frozenset(hidden), primary=frozenset(primary))


def whole_group_answers(
    rows: Sequence[tuple[Key, Sequence[Key]]], values: Mapping[Key, int], rules: Rules = DEFAULT_RULES
) -> frozenset[Key]:
    """Group (attribute) disclosure: in a group smaller than ``min_denominator`` whose
    members all gave the same answer, that answer's count tells each member's answer
    although no count is small. Each such count, given the rows as (the group's total, its
    answer cells), is to be protected like a small count: the attacker's check then asks
    that it could as well be 0 as the threshold or more, so no reader learns that the whole
    group answered alike."""
    found: set[Key] = set()
    for total, cells in rows:
        size = values[total]
        if 0 < size < rules.min_denominator:
            found.update(cell for cell in cells if values[cell] == size)
    return frozenset(found)


def _partner_near(
    values: Mapping[Key, int], related: Mapping[Key, list[Relation]], key: Key, hidden: set[Key], rules: Rules
) -> Key | None:
    """A partner for a weak cell: from its own relations, or, where every cell of those is
    hidden already, from the relations of those cells, ring by ring."""
    seen, ring, used = {key}, [key], set()
    while ring:
        relations = [r for k in ring for r in related.get(k, []) if id(r) not in used]
        partner = _linked_partner(values, relations, hidden, rules)
        if partner is not None:
            return partner
        used |= {id(r) for r in relations}
        ring = [cell for r in relations for cell in r.cells() if cell not in seen]
        seen |= set(ring)
    return None


def _linked_partner(
    values: Mapping[Key, int], relations: list[Relation], hidden: set[Key], rules: Rules
) -> Key | None:
    """The visible cell to hide with, from the cell's relations: the smallest count of
    ``threshold`` or more (it can absorb a small cell's uncertainty), else the largest."""
    visible = {key for relation in relations for key in relation.cells() if key not in hidden}
    if not visible:
        return None
    large = [key for key in visible if values[key] >= rules.threshold]
    if large:
        return min(large, key=lambda key: (values[key], repr(key)))
    return max(visible, key=lambda key: (values[key], repr(key)))


def _identities(relations: Sequence[Relation]) -> dict[Key, Key]:
    """Each cell that a relation makes equal to another, mapped to one representative."""
    parent: dict[Key, Key] = {}

    def find(key: Key) -> Key:
        while parent.get(key, key) != key:
            key = parent[key]
        return key

    for relation in relations:
        if (
            relation.exact
            and not relation.subset
            and len(relation.parts) == 1
            and relation.weights in ((), (1,))
        ):
            a, b = sorted((find(relation.total), find(relation.parts[0])), key=repr)
            if a != b:
                parent[b] = a
    return {key: find(key) for key in parent}


def _merge(
    values: Mapping[Key, int], relations: Sequence[Relation], same: dict[Key, Key]
) -> tuple[dict[Key, int], list[Relation]] | None:
    """The values and relations over one representative per set of equal cells, or None
    when there is nothing to merge."""
    if not same:
        return None
    merged_values = {same.get(key, key): value for key, value in values.items()}
    merged_relations = []
    for relation in relations:
        total = same.get(relation.total, relation.total)
        parts = tuple(same.get(part, part) for part in relation.parts)
        if parts == (total,):
            continue
        merged_relations.append(replace(relation, total=total, parts=parts))
    return merged_values, list(dict.fromkeys(merged_relations))
