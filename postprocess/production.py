#!/usr/bin/python3
"""Production estimate for one continuous-miner room-and-pillar development
unit: the bolting cycle of the FE-designed pattern against the mining cycle.

Why a cycle-and-bottleneck model: a denser bolt pattern buys roof stability
with bolting time, and whether that costs tonnes depends on whether the
bolter or the miner sets the unit's pace. The model assumes a place-change
unit: the miner and the bolter work in different places at the same time, so
neither waits for the other and the unit advances at the pace of the slower
one (cycle per metre = max(bolting, mining) minutes per metre). Interference
between the two, and a bolter idling for lack of a mined place, are ignored.

Every default lives in the register below (the dataclass field metadata):
its unit, source (../shared/reference/parameters.md), published range and
whether the value is our own choice (`assumed`). Dry and wet tonnes are kept
apart: wet t = dry t / (1 - moisture, wet basis); the miner and shuttle cars
handle wet tonnes, the plant targets are dry.

    production.py [--set name=value ...] [--bolts-per-row N --row-spacing S
                  --bolt-length L] [--target T ...] [--units N]
                  [--json out.json] [--tornado out.png] [--assumptions]

Exit codes: 0 success, 2 bad input (the message names the parameter).
"""
import argparse
import dataclasses
import json
import math
import os
import sys
from dataclasses import dataclass, field
from typing import List, NamedTuple, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_errors  # noqa: E402
import output_files  # noqa: E402

# El Boleo plant design: 2.6 Mt/yr dry ore, later 3.1 Mt/yr (parameters.md, "The site").
PLANT_TARGETS_DRY_T_PER_YEAR = (2.6e6, 3.1e6)

# Validity rules: name -> (test, what is expected).
CHECKS = {
    "positive": (lambda v: v > 0, "a number > 0"),
    "non-negative": (lambda v: v >= 0, "a number >= 0"),
    "count": (lambda v: v >= 1 and float(v).is_integer(), "a whole number >= 1"),
    "fraction": (lambda v: 0 < v <= 1, "a fraction in (0, 1]"),
    "moisture": (lambda v: 0 <= v < 1, "a fraction in [0, 1) (wet basis)"),
    "days": (lambda v: 0 < v <= 366, "a number of days in (0, 366]"),
}


class ProductionInputError(ValueError):
    """Bad input: the message names the parameter, what was given and what is expected."""


def _entry(default, unit, check, source, low=None, high=None, assumed=False, planned=False, accept=None):
    """One register row. `low`/`high`: published range (the tornado uses it);
    `planned`: set by the design or the mine plan, held fixed by the tornado;
    `accept`: the range of values that make physical sense for a room-and-
    pillar unit (wider than the published range); anything outside is refused
    rather than turned into a NaN or a division by almost zero."""
    return field(default=default, metadata=dict(unit=unit, check=check, source=source, low=low,
                                                high=high, assumed=assumed, planned=planned, accept=accept))


@dataclass(frozen=True)
class ProductionInputs:
    """Inputs of one unit's cycle; validated on construction."""
    # Bolting. Boleo trial: 1.8 m hole in under 1 min, complete bolt about 3 min.
    handling_min_per_bolt: float = _entry(2.1, "min", "non-negative",
                                          "Boleo trial, Dec 2006: about 3 min per 1.8 m bolt less 0.9 min drilling", accept=(0, 60))
    drill_rate_m_per_min: float = _entry(2.0, "m/min", "positive",
                                         "Boleo trial, Dec 2006: 1.8 m hole in under 1 min", assumed=True, accept=(0.05, 20))
    bolter_booms: int = _entry(2, "booms", "count", "typical (dual boom)", planned=True, accept=(1, 4))
    tram_between_rows_min: float = _entry(0.5, "min", "non-negative", "typical", accept=(0, 60))
    setup_per_cut_min: float = _entry(10.0, "min", "non-negative", "typical", accept=(0, 240))
    cut_depth_m: float = _entry(6.0, "m", "positive", "Mark 2000 (extended cuts only in good roof, CMRR > 56)", accept=(0.5, 50))
    # Bolt pattern: from the FE design.
    bolts_per_row: int = _entry(4, "bolts", "count", "default design case cases/room_4.5m.prm",
                                assumed=True, planned=True, accept=(1, 20))
    row_spacing_m: float = _entry(1.2, "m", "positive", "default design case cases/room_4.5m.prm",
                                  assumed=True, planned=True, accept=(0.3, 5))
    bolt_length_m: float = _entry(1.8, "m", "positive", "default design case; Boleo trial bolt", planned=True, accept=(0.3, 10))
    # Opening.
    span_m: float = _entry(4.5, "m", "positive", "default design case; Boleo spans mostly < 4.5 m", planned=True, accept=(1, 20))
    height_m: float = _entry(2.5, "m", "positive", "Boleo manto height about 2.5 m (2005-06 test mine)", accept=(0.5, 10))
    # Mining (wet tonnes).
    cut_load_rate_t_per_min: float = _entry(8.0, "wet t/min", "positive", "typical 6-15 t/min, unverified",
                                            low=6.0, high=15.0, assumed=True, accept=(0.1, 100))
    shuttle_payload_t: float = _entry(12.0, "wet t", "positive", "Suglo & Szymanski 1995: 10-20 t",
                                      low=10.0, high=20.0, assumed=True, accept=(1, 60))
    shuttle_changeout_min: float = _entry(0.75, "min", "non-negative", "typical 0.5-1.0 min",
                                          low=0.5, high=1.0, assumed=True, accept=(0, 30))
    place_change_min: float = _entry(15.0, "min", "non-negative", "typical 10-20 min",
                                     low=10.0, high=20.0, assumed=True, accept=(0, 240))
    # Shift.
    shift_h: float = _entry(9.0, "h", "positive", "typical 8-10 h", low=8.0, high=10.0, assumed=True, accept=(1, 24))
    lost_time_min: float = _entry(75.0, "min/shift", "non-negative", "typical 60-90 min (travel, lunch, checks)",
                                  low=60.0, high=90.0, assumed=True, accept=(0, 1440))
    availability: float = _entry(0.85, "", "fraction", "typical 0.80-0.90; calibrate",
                                 low=0.80, high=0.90, assumed=True, accept=(0.05, 1))
    efficiency: float = _entry(0.75, "", "fraction", "typical 0.60-0.85; calibrate",
                               low=0.60, high=0.85, assumed=True, accept=(0.05, 1))
    production_shifts_per_day: int = _entry(2, "shifts", "count", "assumed", assumed=True, planned=True, accept=(1, 4))
    days_per_year: float = _entry(330.0, "days", "days", "assumed", assumed=True, planned=True, accept=(1, 366))
    # Ore.
    dry_density_t_per_m3: float = _entry(
        1.6, "dry t/m3", "positive",
        "assumed: no public site density; clay manto 18-21 kN/m3 at 25 % moisture gives 1.4-1.6", assumed=True, accept=(0.5, 5))
    moisture_fraction: float = _entry(
        0.25, "", "moisture", "assumed: 11,400 wet t/d vs 2.6-3.1 Mt/yr dry implies 0.25-0.38",
        low=0.25, high=0.38, assumed=True, accept=(0, 0.9))

    def __post_init__(self):
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            test, expected = CHECKS[f.metadata["check"]]
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value) or not test(value):
                unit = f" {f.metadata['unit']}" if f.metadata["unit"] else ""
                raise ProductionInputError(f"{f.name} = {value!r}{unit}: expected {expected}")
            lo, hi = f.metadata["accept"]
            if not lo <= value <= hi:
                unit = f" {f.metadata['unit']}" if f.metadata["unit"] else ""
                raise ProductionInputError(f"{f.name} = {value:g}{unit}: expected a value from {lo:g} to "
                                           f"{hi:g}{unit} (the range that makes physical sense here)")
        if self.lost_time_min >= 60 * self.shift_h:
            raise ProductionInputError(
                f"lost_time_min = {self.lost_time_min:g} min: expected less than the shift "
                f"(shift_h = {self.shift_h:g} h = {60 * self.shift_h:g} min)")
        if self.production_shifts_per_day * self.shift_h > 24:
            raise ProductionInputError(
                f"production_shifts_per_day = {self.production_shifts_per_day:g}: expected at most "
                f"24 h / shift_h = {24 / self.shift_h:g} shifts of {self.shift_h:g} h")


def accepted_range(name):
    """(low, high): the values of input `name` that make physical sense."""
    return {f.name: f for f in dataclasses.fields(ProductionInputs)}[name].metadata["accept"]


def assumptions():
    """The register: one dict per input (name, value, unit, low, high, source, assumed, planned)."""
    return [dict(name=f.name, value=f.default,
                 **{k: v for k, v in f.metadata.items() if k not in ("check", "accept")})
            for f in dataclasses.fields(ProductionInputs)]


def assumptions_markdown():
    lines = ["| input | value | unit | published range | source | assumed | fixed by plan |",
             "|---|---|---|---|---|---|---|"]
    for a in assumptions():
        span = f"{a['low']:g}-{a['high']:g}" if a["low"] is not None else ""
        lines.append(f"| {a['name']} | {a['value']:g} | {a['unit']} | {span} | {a['source']} | "
                     f"{'yes' if a['assumed'] else 'no'} | {'yes' if a['planned'] else 'no'} |")
    return "\n".join(lines)


@dataclass
class BoltTimeLimit:
    """The longest time per bolt that still meets a target with a given number of units;
    `max_time_per_bolt_min` is None when no bolting time does (the explanation says why)."""
    target_dry_t_per_year: float
    units: int
    allowed_cycle_min_per_m: float
    max_time_per_bolt_min: Optional[float]
    explanation: str


@dataclass
class TargetResult:
    target_dry_t_per_year: float
    units_fractional: float
    units_needed: int
    bolt_time_limit: BoltTimeLimit


@dataclass
class ProductionResult:
    inputs: dict
    time_per_bolt_min: float
    drilling_min_per_bolt: float
    bolts_per_m: float
    bolting_min_per_m: float
    wet_t_per_cut: float
    payloads_per_cut: int
    mining_min_per_cut: float       # cutting and loading plus shuttle change-outs
    mining_min_per_m: float         # including the place change
    bottleneck: str                 # "bolting" or "mining"
    cycle_min_per_m: float
    dry_t_per_m: float
    wet_t_per_m: float
    effective_min_per_shift: float
    m_per_unit_shift: float
    dry_t_per_unit_shift: float
    wet_t_per_unit_shift: float
    dry_t_per_year_per_unit: float
    wet_t_per_year_per_unit: float
    targets: List[TargetResult]

    def as_dict(self):
        return dataclasses.asdict(self)


def _ceil(x):
    """Ceiling that ignores round-off: 12.000000000000002 payloads are 12."""
    return math.ceil(x - 1e-9 * max(1.0, abs(x)))


def _cycle(p):
    """Per-metre figures of both cycles and the unit's effective time."""
    drilling = p.bolt_length_m / p.drill_rate_m_per_min
    time_per_bolt = p.handling_min_per_bolt + drilling
    bolts_per_m = p.bolts_per_row / p.row_spacing_m
    bolting_overhead = p.tram_between_rows_min / p.row_spacing_m + p.setup_per_cut_min / p.cut_depth_m
    dry_t_per_m = p.span_m * p.height_m * p.dry_density_t_per_m3
    wet_t_per_m = dry_t_per_m / (1 - p.moisture_fraction)
    wet_t_per_cut = wet_t_per_m * p.cut_depth_m
    # One shuttle car: the miner waits for a change-out after every payload (the last,
    # partial one included).
    payloads = _ceil(wet_t_per_cut / p.shuttle_payload_t)
    mining_per_cut = wet_t_per_cut / p.cut_load_rate_t_per_min + payloads * p.shuttle_changeout_min
    return dict(
        drilling_min_per_bolt=drilling, time_per_bolt_min=time_per_bolt, bolts_per_m=bolts_per_m,
        bolting_overhead_min_per_m=bolting_overhead,
        bolting_min_per_m=bolts_per_m * time_per_bolt / p.bolter_booms + bolting_overhead,
        wet_t_per_cut=wet_t_per_cut, payloads_per_cut=payloads, mining_min_per_cut=mining_per_cut,
        mining_min_per_m=(mining_per_cut + p.place_change_min) / p.cut_depth_m,
        dry_t_per_m=dry_t_per_m, wet_t_per_m=wet_t_per_m,
        effective_min_per_shift=(60 * p.shift_h - p.lost_time_min) * p.availability * p.efficiency,
        unit_shifts_per_year=p.production_shifts_per_day * p.days_per_year)


def _check_target(target_dry_t_per_year):
    if not (isinstance(target_dry_t_per_year, (int, float)) and 0 < target_dry_t_per_year < math.inf):
        raise ProductionInputError(f"target = {target_dry_t_per_year!r} dry t/yr: expected a number > 0")


def max_time_per_bolt(target_dry_t_per_year, units, inputs=None):
    """Closed form from the cycle: the target fixes the allowed minutes per metre
    C = effective min/shift * shifts/yr * dry t/m / (target / units); bolting meets it while
    bolts/m * t / booms + overhead <= C, and mining must meet it on its own."""
    _check_target(target_dry_t_per_year)
    if isinstance(units, bool) or not (isinstance(units, int) and units >= 1):
        raise ProductionInputError(f"units = {units!r}: expected a whole number >= 1")
    inputs = inputs or ProductionInputs()
    c = _cycle(inputs)
    allowed = (c["effective_min_per_shift"] * c["unit_shifts_per_year"] * c["dry_t_per_m"]
               / (target_dry_t_per_year / units))
    limit = None
    if c["mining_min_per_m"] > allowed:
        why = (f"unreachable by faster bolting: mining alone needs {c['mining_min_per_m']:.3f} min/m, the target "
               f"allows {allowed:.3f} min/m with {units} units (more units, a faster miner or more shuttle cars)")
    elif c["bolting_overhead_min_per_m"] >= allowed:
        why = (f"unreachable: tramming between rows and set-up alone take {c['bolting_overhead_min_per_m']:.3f} "
               f"min/m, the target allows {allowed:.3f} min/m with {units} units")
    else:
        limit = (allowed - c["bolting_overhead_min_per_m"]) * inputs.bolter_booms / c["bolts_per_m"]
        why = f"bolting may take up to {limit:.2f} min per bolt"
        if limit < c["drilling_min_per_bolt"]:
            why += f", less than drilling alone takes ({c['drilling_min_per_bolt']:.2f} min): drill faster"
    return BoltTimeLimit(target_dry_t_per_year, units, allowed, limit, why)


def estimate(inputs=None, targets=PLANT_TARGETS_DRY_T_PER_YEAR, units=None):
    """Production of one unit and the units each dry target needs; the bolt-time limit of
    each target is for `units` units if given, else for the units it needs."""
    p = inputs or ProductionInputs()
    c = _cycle(p)
    bottleneck = "bolting" if c["bolting_min_per_m"] >= c["mining_min_per_m"] else "mining"
    cycle = max(c["bolting_min_per_m"], c["mining_min_per_m"])
    m_per_shift = c["effective_min_per_shift"] / cycle
    dry_per_year = m_per_shift * c["dry_t_per_m"] * c["unit_shifts_per_year"]
    target_results = []
    for target in targets:
        _check_target(target)
        fractional = target / dry_per_year
        needed = _ceil(fractional)
        target_results.append(TargetResult(target, fractional, needed,
                                           max_time_per_bolt(target, needed if units is None else units, p)))
    return ProductionResult(
        inputs=dataclasses.asdict(p), time_per_bolt_min=c["time_per_bolt_min"],
        drilling_min_per_bolt=c["drilling_min_per_bolt"], bolts_per_m=c["bolts_per_m"],
        bolting_min_per_m=c["bolting_min_per_m"], wet_t_per_cut=c["wet_t_per_cut"],
        payloads_per_cut=c["payloads_per_cut"], mining_min_per_cut=c["mining_min_per_cut"],
        mining_min_per_m=c["mining_min_per_m"], bottleneck=bottleneck, cycle_min_per_m=cycle,
        dry_t_per_m=c["dry_t_per_m"], wet_t_per_m=c["wet_t_per_m"],
        effective_min_per_shift=c["effective_min_per_shift"], m_per_unit_shift=m_per_shift,
        dry_t_per_unit_shift=m_per_shift * c["dry_t_per_m"], wet_t_per_unit_shift=m_per_shift * c["wet_t_per_m"],
        dry_t_per_year_per_unit=dry_per_year,
        wet_t_per_year_per_unit=m_per_shift * c["wet_t_per_m"] * c["unit_shifts_per_year"],
        targets=target_results)


def tonnes_against_time_per_bolt(inputs, times_min):
    """Dry t/yr per unit if each bolt took t minutes (drilling included), for each t."""
    drilling = inputs.bolt_length_m / inputs.drill_rate_m_per_min
    return [estimate(dataclasses.replace(inputs, handling_min_per_bolt=max(t - drilling, 0)),
                     targets=()).dry_t_per_year_per_unit for t in times_min]


def report_markdown(result):
    """A readable report of one estimate."""
    p, r = result.inputs, result
    lines = [
        "# Production estimate, one continuous-miner unit",
        "",
        f"Pattern {p['bolts_per_row']:g} bolts per row, rows {p['row_spacing_m']:g} m apart, "
        f"{p['bolt_length_m']:g} m bolts; opening {p['span_m']:g} m x {p['height_m']:g} m; "
        f"{p['cut_depth_m']:g} m cuts. Miner and bolter work in different places: the slower sets the pace.",
        "",
        "| quantity | value |",
        "|---|---|",
        f"| time per bolt | {r.time_per_bolt_min:.2f} min ({r.drilling_min_per_bolt:.2f} drilling) |",
        f"| bolting | {r.bolting_min_per_m:.3f} min/m ({r.bolts_per_m:.3f} bolts/m, "
        f"{p['bolter_booms']:g} booms) |",
        f"| mining | {r.mining_min_per_m:.3f} min/m ({r.wet_t_per_cut:.1f} wet t per cut, "
        f"{r.payloads_per_cut} payloads) |",
        f"| bottleneck | **{r.bottleneck}** ({r.cycle_min_per_m:.3f} min/m) |",
        f"| effective time per shift | {r.effective_min_per_shift:.1f} min |",
        f"| advance per unit-shift | {r.m_per_unit_shift:.2f} m |",
        f"| tonnes per metre | {r.dry_t_per_m:.2f} dry t, {r.wet_t_per_m:.2f} wet t |",
        f"| tonnes per unit-shift | {r.dry_t_per_unit_shift:,.1f} dry t, {r.wet_t_per_unit_shift:,.1f} wet t |",
        f"| tonnes per year per unit | {r.dry_t_per_year_per_unit:,.0f} dry t, "
        f"{r.wet_t_per_year_per_unit:,.0f} wet t |",
        "",
        "| target (dry t/yr) | units (fractional) | units needed | max time per bolt with units |",
        "|---|---|---|---|",
    ]
    for t in r.targets:
        limit = t.bolt_time_limit
        lines.append(f"| {t.target_dry_t_per_year:,.0f} | {t.units_fractional:.3f} | {t.units_needed} | "
                     f"{limit.units} units: {limit.explanation} |")
    return "\n".join(lines) + "\n"


class TornadoRow(NamedTuple):
    name: str
    low_value: float
    high_value: float
    metric_low: float
    metric_high: float

    @property
    def swing(self):
        return abs(self.metric_high - self.metric_low)


def tornado(inputs, path, metric="dry_t_per_year_per_unit", variation=0.2, size_px=(1000, 600), names=None):
    """Varies each input (default: every one the plan does not fix) over its published
    range, or by +-variation without one; draws the swings of `metric` largest first
    to a PNG and returns the rows in that order."""
    p = inputs or ProductionInputs()
    base = getattr(estimate(p), metric, None)
    if isinstance(base, bool) or not isinstance(base, (int, float)):
        raise ProductionInputError(f"metric = {metric!r}: expected a numeric field of ProductionResult")
    if not 0 < variation < 1:
        raise ProductionInputError(f"variation = {variation!r}: expected a fraction in (0, 1)")
    register = {a["name"]: a for a in assumptions()}
    if names is None:
        names = [n for n, a in register.items() if not a["planned"]]
    rows = []
    for name in names:
        a, value = register[name], getattr(p, name)
        low, high = (a["low"], a["high"]) if a["low"] is not None else \
            (value * (1 - variation), value * (1 + variation))
        rows.append(TornadoRow(name, low, high,
                               getattr(estimate(dataclasses.replace(p, **{name: low})), metric),
                               getattr(estimate(dataclasses.replace(p, **{name: high})), metric)))
    rows.sort(key=lambda row: row.swing, reverse=True)

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    dpi = 100
    fig = Figure(figsize=(size_px[0] / dpi, size_px[1] / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ys = range(len(rows), 0, -1)
    ax.barh(ys, [r.metric_low - base for r in rows], left=base, color="tab:blue", label="input at low value")
    ax.barh(ys, [r.metric_high - base for r in rows], left=base, color="tab:orange", label="input at high value")
    ax.axvline(base, color="black", linewidth=0.8)
    ax.set_yticks(list(ys), [f"{readable(r.name, register[r.name]['unit'])}: {r.low_value:g} - {r.high_value:g} "
                             f"{register[r.name]['unit']}".rstrip() for r in rows], fontsize=8)
    ax.set_xlabel(f"{metric.replace('_', ' ')} (base {base:,.0f})")
    ax.set_title("Sensitivity of one unit's production (published range, else +-%g %%)" % (100 * variation))
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    output_files.save_figure(fig, path, dpi=dpi)
    return rows


def readable(name, unit):
    """A register name as words, without the unit its label states anyway:
    drill_rate_m_per_min (m/min) -> 'Drill rate', dry_density_t_per_m3
    (dry t/m3) -> 'Dry density'."""
    unit_words = set(unit.replace("/", " ").split()) | {"per"}
    words = name.split("_")
    while len(words) > 1 and words[-1] in unit_words:
        words.pop()
    text = " ".join(words)
    return text[0].upper() + text[1:]


def inputs_from_settings(settings):
    """ProductionInputs from "name=value" strings, defaults for the rest."""
    known = {f.name: f for f in dataclasses.fields(ProductionInputs)}
    overrides = {}
    for setting in settings:
        name, _, text = setting.partition("=")
        name = name.strip()
        if name not in known:
            raise ProductionInputError(f"unknown input {name!r} in --set {setting!r}: expected one of "
                                       + ", ".join(known))
        try:
            value = float(text)
        except ValueError:
            raise ProductionInputError(f"{name} = {text.strip()!r}: expected a number") from None
        overrides[name] = int(value) if known[name].metadata["check"] == "count" and value.is_integer() else value
    return ProductionInputs(**overrides)


def main(argv=None):
    parser = cli_errors.OneLineArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="override an input (see --assumptions for the names)")
    parser.add_argument("--bolts-per-row", metavar="N")
    parser.add_argument("--row-spacing", metavar="S", help="m")
    parser.add_argument("--bolt-length", metavar="L", help="m")
    parser.add_argument("--target", type=float, action="append", metavar="DRY_T_PER_YEAR",
                        help="dry t/yr (default: the plant's 2.6e6 and 3.1e6)")
    parser.add_argument("--units", type=int, help="units for the max time per bolt (default: the units needed)")
    parser.add_argument("--json", metavar="OUT.json", help="write the result as JSON")
    parser.add_argument("--tornado", metavar="OUT.png", help="draw the sensitivity of dry t/yr per unit")
    parser.add_argument("--assumptions", action="store_true", help="print the register of defaults and exit")
    args = parser.parse_args(argv)
    if args.assumptions:
        print(assumptions_markdown())
        return 0
    settings = list(args.set)
    for name, value in (("bolts_per_row", args.bolts_per_row), ("row_spacing_m", args.row_spacing),
                        ("bolt_length_m", args.bolt_length)):
        if value is not None:
            settings.append(f"{name}={value}")
    try:
        for what, path in (("--json", args.json), ("--tornado", args.tornado)):
            problem = path is not None and cli_errors.check_output_path(path, what)
            if problem:
                raise ProductionInputError(problem)
        for target in args.target or ():
            if not (math.isfinite(target) and 1e3 <= target <= 1e9):
                raise ProductionInputError(f"--target {target:g}: expected dry t/yr from 1e3 to 1e9")
        if args.units is not None and not 1 <= args.units <= 1000:
            raise ProductionInputError(f"--units {args.units}: expected a whole number from 1 to 1000")
        inputs = inputs_from_settings(settings)
        result = estimate(inputs, args.target or PLANT_TARGETS_DRY_T_PER_YEAR, args.units)
        print(report_markdown(result))
        if args.json:
            output_files.write_text(args.json, json.dumps(result.as_dict(), indent=1))
        if args.tornado:
            print("| input | low | high | dry t/yr per unit at low | at high |\n|---|---|---|---|---|")
            for row in tornado(inputs, args.tornado):
                print(f"| {row.name} | {row.low_value:g} | {row.high_value:g} | {row.metric_low:,.0f} | "
                      f"{row.metric_high:,.0f} |")
    except ProductionInputError as error:
        print(f"production.py: error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(cli_errors.run(main, "production.py", (ProductionInputError,)))
