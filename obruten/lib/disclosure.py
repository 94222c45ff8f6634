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

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

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

    def cells(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)

    def holds(self, values: Mapping[Key, int]) -> bool:
        """Whether the counts satisfy the relation."""
        total, parts = values[self.total], [values[part] for part in self.parts]
        within = all(part <= total for part in parts)
        if self.subset:
            return within
        return total == sum(parts) if self.exact else within and total <= sum(parts)


@dataclass(frozen=True)
class LinkedProtection:
    values: Mapping[Key, int]
    hidden: frozenset[Key]
    primary: frozenset[Key]


class _System:
    """The attacker's linear program over the hidden cells, all counts >= 0."""

    def __init__(self, values: Mapping[Key, int], hidden: set[Key], relations: Sequence[Relation]) -> None:
        self.variables = sorted(hidden, key=repr)
        self.index = {key: i for i, key in enumerate(self.variables)}
        eq: list[tuple[dict[int, float], float]] = []
        ub: list[tuple[dict[int, float], float]] = []
        for relation in relations:
            if not any(key in self.index for key in relation.cells()):
                continue
            total_minus_parts = self._row(
                [(relation.total, 1.0), *((p, -1.0) for p in relation.parts)], values
            )
            if relation.subset:
                for part in relation.parts:
                    ub.append(self._row([(part, 1.0), (relation.total, -1.0)], values))
                continue
            if relation.exact:
                eq.append(total_minus_parts)
                continue
            ub.append(total_minus_parts)  # total <= sum of the parts
            for part in relation.parts:
                ub.append(self._row([(part, 1.0), (relation.total, -1.0)], values))  # part <= total
        self.a_eq, self.b_eq = self._matrix(eq)
        self.a_ub, self.b_ub = self._matrix(ub)

    def _row(
        self, terms: list[tuple[Key, float]], values: Mapping[Key, int]
    ) -> tuple[dict[int, float], float]:
        coefficients: dict[int, float] = defaultdict(float)
        constant = 0.0
        for key, sign in terms:
            if key in self.index:
                coefficients[self.index[key]] += sign
            else:
                constant -= sign * values[key]
        return coefficients, constant

    def _matrix(
        self, rows: list[tuple[dict[int, float], float]]
    ) -> tuple[sparse.csr_array | None, np.ndarray | None]:
        rows = [(c, b) for c, b in rows if any(c.values())]
        if not rows:
            return None, None
        data, row_index, col_index = [], [], []
        for r, (coefficients, _) in enumerate(rows):
            for c, value in coefficients.items():
                if value:
                    data.append(value)
                    row_index.append(r)
                    col_index.append(c)
        matrix = sparse.csr_array((data, (row_index, col_index)), shape=(len(rows), len(self.variables)))
        return matrix, np.array([b for _, b in rows])

    def solve(
        self, objective: np.ndarray, cap: list[int] | None = None, limit: float = 0.0
    ) -> np.ndarray | None:
        """A feasible point minimising ``objective``; with ``cap``, one that maximises
        sum(min(x_i, limit)) over the capped cells instead (as many of them at ``limit``
        at once as possible)."""
        n = len(self.variables)
        a_eq, a_ub, b_ub = self.a_eq, self.a_ub, self.b_ub
        bounds: list[tuple[float, float | None]] = [(0.0, None)] * n
        if cap:
            # t_i <= x_i, 0 <= t_i <= limit; maximise sum(t_i).
            k = len(cap)
            link = sparse.csr_array(
                (
                    np.r_[np.full(k, -1.0), np.ones(k)],
                    (np.r_[np.arange(k), np.arange(k)], np.r_[cap, n + np.arange(k)]),
                ),
                shape=(k, n + k),
            )
            a_ub = (
                link
                if a_ub is None
                else sparse.vstack([sparse.hstack([a_ub, sparse.csr_array((a_ub.shape[0], k))]), link])
            )
            b_ub = np.zeros(k) if b_ub is None else np.r_[b_ub, np.zeros(k)]
            if a_eq is not None:
                a_eq = sparse.hstack([a_eq, sparse.csr_array((a_eq.shape[0], k))])
            objective = np.r_[np.zeros(n), -np.ones(k)]
            bounds = bounds + [(0.0, limit)] * k
        result = linprog(
            objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=self.b_eq, bounds=bounds, method="highs"
        )
        return np.asarray(result.x[:n]) if result.status == 0 else None


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
    the threshold, at once prove most cells; the rest get their own program."""
    if not cells:
        return set()
    system = _System(values, set(hidden), relations)
    index, eps, limit = system.index, 1e-6, float(rules.threshold)
    need_low, need_high = set(cells), set(cells)

    def witness(point: np.ndarray | None) -> bool:
        if point is None:
            return False
        before = len(need_low) + len(need_high)
        need_low.difference_update({k for k in need_low if point[index[k]] <= eps})
        need_high.difference_update({k for k in need_high if point[index[k]] >= limit - eps})
        return len(need_low) + len(need_high) < before

    while need_low:
        objective = np.zeros(len(index))
        objective[[index[k] for k in need_low]] = 1.0
        if not witness(system.solve(objective)):
            break
    while need_high:
        point = system.solve(
            np.zeros(len(index)), cap=[index[k] for k in sorted(need_high, key=repr)], limit=limit
        )
        if not witness(point):
            break
    weak = set()
    for key in sorted(need_low | need_high, key=repr):
        if key in need_low:
            objective = np.zeros(len(index))
            objective[index[key]] = 1.0
            witness(system.solve(objective))
        if key in need_high:
            witness(system.solve(np.zeros(len(index)), cap=[index[key]], limit=limit))
        if key in need_low or key in need_high:
            weak.add(key)
    return weak


def protect_linked(
    values: Mapping[Key, int], relations: Sequence[Relation], rules: Rules = DEFAULT_RULES
) -> LinkedProtection:
    """Protect every published cell at once: primary suppression of each count 1 to
    ``threshold - 1``, a partner for every sum left with one hidden cell, and the
    attacker's check over all relations together, hiding a partner of each weak cell
    until none is left. Cells that are the same count by a relation (``total`` equal to one
    part) are one cell to protect: hidden or shown together."""
    same = _identities(relations)
    canonical = _merge(values, relations, same)
    if canonical is not None:
        merged_values, merged_relations = canonical
        merged = protect_linked(merged_values, merged_relations, rules)
        return LinkedProtection(
            values=dict(values),
            hidden=frozenset(key for key in values if same.get(key, key) in merged.hidden),
            primary=frozenset(key for key in values if 0 < values[key] < rules.threshold),
        )
    primary = {key for key, value in values.items() if 0 < value < rules.threshold}
    hidden = set(primary)
    related: dict[Key, list[Relation]] = defaultdict(list)
    for relation in relations:
        for key in relation.cells():
            related[key].append(relation)
    safe: set[Key] = set()
    while True:
        _close_linked(values, relations, hidden, rules)
        # Hiding more only widens the attacker's ranges, so a cell found safe stays safe.
        weak = weak_cells(values, hidden, relations, primary - safe, rules)
        safe |= primary - weak
        partners = {_linked_partner(values, related[key], hidden, rules) for key in weak} - {None}
        if not partners:
            break
        hidden |= partners
    return LinkedProtection(values=dict(values), hidden=frozenset(hidden), primary=frozenset(primary))


def _close_linked(
    values: Mapping[Key, int], relations: Sequence[Relation], hidden: set[Key], rules: Rules
) -> None:
    changed = True
    while changed:
        changed = False
        for relation in relations:
            if relation.exact and sum(key in hidden for key in relation.cells()) == 1:
                partner = _linked_partner(values, [relation], hidden, rules)
                if partner is not None:
                    hidden.add(partner)
                    changed = True


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
        if relation.exact and not relation.subset and len(relation.parts) == 1:
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
