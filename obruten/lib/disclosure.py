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

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
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


def with_totals(cells: Sequence[Sequence[int]], *, row_totals: bool = True) -> list[list[int]]:
    rows = [list(row) + ([sum(row)] if row_totals else []) for row in cells]
    columns = len(rows[0]) if rows else 1
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
