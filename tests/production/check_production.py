"""Production estimate (postprocess/production.py) against numbers worked out by
hand below, step by step, from the default inputs of its register:

  bolting: handling 2.1 min, drilling at 2.0 m/min, 2 booms, tram 0.5 min per
           row, set-up 10 min per 6 m cut
  mining:  8 wet t/min, 12 wet t payloads, 0.75 min change-out, 15 min place change
  shift:   9 h, 75 min lost, availability 0.85, efficiency 0.75, 2 shifts/day, 330 days/yr
  ore:     4.5 m x 2.5 m opening, 1.6 dry t/m3, moisture 0.25 (wet basis)

Also the inverse (max time per bolt), dry vs wet tonnes, bad input (module and
CLI) and the tornado chart. Runs from tests/ (CTest) or anywhere else."""
import json
import os
import struct
import subprocess
import sys

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(TESTS)
SCRIPT = os.path.join(ROOT, "postprocess", "production.py")
sys.path.insert(0, os.path.join(ROOT, "postprocess"))
sys.path.insert(0, os.path.join(TESTS, "tools"))
from harness import scratch  # noqa: E402
from production import (ProductionInputError, ProductionInputs, estimate,  # noqa: E402
                        max_time_per_bolt, tornado)

failures = []


def close(name, computed, by_hand, rel=1e-9):
    error = abs(computed - by_hand) / abs(by_hand)
    ok = error <= rel
    print(f"{name:52s} {computed:18.10g} {by_hand:18.10g} {error:9.1e} {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(name)


def holds(name, ok, detail=""):
    print(f"{name:52s} {detail} {'ok' if ok else 'FAIL'}")
    if not ok:
        failures.append(name)


# Shared by both patterns, by hand:
#   effective minutes per shift = (9*60 - 75) * 0.85 * 0.75 = 465 * 0.6375 = 296.4375
#   dry t per metre = 4.5 * 2.5 * 1.6 = 18;  wet = 18 / (1 - 0.25) = 24
#   one 6 m cut = 144 wet t: cutting 144 / 8 = 18 min, 144 / 12 = 12 payloads * 0.75 = 9 min,
#   place change 15 min  =>  mining (18 + 9 + 15) / 6 = 42 / 6 = 7.0 min/m
#   dry t per unit-shift * shifts per year = 296.4375 * 18 / cycle * (2 * 330)
#                                          = 3,521,677.5 / cycle
EFFECTIVE_MIN_PER_SHIFT = 296.4375
MINING_MIN_PER_M = 7.0


def scenario_a():
    """Default design: 4 bolts per row, rows 1.2 m apart, 1.8 m bolts; bolting is the bottleneck."""
    print("== Scenario A: 4 bolts per row, 1.2 m rows, 1.8 m bolts")
    r = estimate(ProductionInputs(bolts_per_row=4, row_spacing_m=1.2, bolt_length_m=1.8))
    # time per bolt = 2.1 + 1.8 / 2.0 = 3.0 min
    close("time per bolt (min)", r.time_per_bolt_min, 3.0)
    # bolting = 4 / 1.2 bolts/m * 3.0 min / 2 booms + 0.5 / 1.2 + 10 / 6 = 5 + 5/12 + 20/12 = 85/12
    close("bolting (min/m)", r.bolting_min_per_m, 85 / 12)
    close("mining (min/m)", r.mining_min_per_m, MINING_MIN_PER_M)
    holds("bottleneck is bolting (7.083 > 7.0 min/m)", r.bottleneck == "bolting", r.bottleneck)
    # metres per unit-shift = 296.4375 / (85/12) = 3557.25 / 85 = 41.85
    close("advance per unit-shift (m)", r.m_per_unit_shift, 41.85)
    # dry t per unit-shift = 41.85 * 18 = 753.3; per year per unit = 753.3 * 660 = 497,178
    close("dry t per unit-shift", r.dry_t_per_unit_shift, 753.3)
    close("dry t per year per unit", r.dry_t_per_year_per_unit, 497178.0)
    # units: 2.6e6 / 497,178 = 5.2295 -> 6; 3.1e6 / 497,178 = 6.2352 -> 7
    plant_26, plant_31 = r.targets
    close("units for 2.6 Mt/yr dry (fractional)", plant_26.units_fractional, 2.6e6 / 497178.0)
    close("units for 3.1 Mt/yr dry (fractional)", plant_31.units_fractional, 3.1e6 / 497178.0)
    holds("units needed 6 and 7", (plant_26.units_needed, plant_31.units_needed) == (6, 7),
          f"{plant_26.units_needed}, {plant_31.units_needed}")
    return r


def scenario_b():
    """Sparse pattern: 2 bolts per row, rows 2.0 m apart; the miner becomes the bottleneck."""
    print("== Scenario B: 2 bolts per row, 2.0 m rows, 1.8 m bolts")
    r = estimate(ProductionInputs(bolts_per_row=2, row_spacing_m=2.0, bolt_length_m=1.8))
    # bolting = 2 / 2.0 bolts/m * 3.0 min / 2 booms + 0.5 / 2.0 + 10 / 6 = 1.5 + 0.25 + 1.6667 = 41/12
    close("bolting (min/m)", r.bolting_min_per_m, 41 / 12)
    close("mining (min/m)", r.mining_min_per_m, MINING_MIN_PER_M)
    holds("bottleneck switches to mining (3.417 < 7.0)", r.bottleneck == "mining", r.bottleneck)
    # metres per unit-shift = 296.4375 / 7 = 42.348214...; dry t = 18 * that = 5335.875 / 7
    close("advance per unit-shift (m)", r.m_per_unit_shift, 296.4375 / 7)
    close("dry t per unit-shift", r.dry_t_per_unit_shift, 5335.875 / 7)
    # per year = 5335.875 * 660 / 7 = 3,521,677.5 / 7 = 503,096.79
    close("dry t per year per unit", r.dry_t_per_year_per_unit, 3521677.5 / 7)
    # units: 2.6e6 * 7 / 3,521,677.5 = 5.168 -> 6; 3.1e6 * 7 / 3,521,677.5 = 6.162 -> 7
    close("units for 2.6 Mt/yr dry (fractional)", r.targets[0].units_fractional, 2.6e6 * 7 / 3521677.5)
    holds("units needed 6 and 7", [t.units_needed for t in r.targets] == [6, 7],
          str([t.units_needed for t in r.targets]))


def inverse():
    """Max time per bolt for 2.6 Mt/yr dry with 6 units, by hand and plugged back."""
    print("== Inverse: max time per bolt")
    # Allowed cycle with 6 units: 3,521,677.5 / (2.6e6 / 6) = 21,130,065 / 2.6e6 = 8.1269 min/m.
    # Bolting meets it while 10/3 bolts/m * t / 2 booms + 25/12 (tram + set-up) <= 8.1269,
    # i.e. t <= (21,130,065 / 2.6e6 - 25/12) * 0.6 = 3.6262 min.
    by_hand = (21130065 / 2.6e6 - 25 / 12) * 0.6
    limit = max_time_per_bolt(2.6e6, 6, ProductionInputs())
    close("4 per row: max time per bolt, 2.6 Mt, 6 units", limit.max_time_per_bolt_min, by_hand)
    # Plugged back: handling = t - 0.9 min drilling gives exactly the target.
    slower = ProductionInputs(handling_min_per_bolt=limit.max_time_per_bolt_min - 0.9)
    close("  plugged back: 6 units * dry t/yr", 6 * estimate(slower).dry_t_per_year_per_unit, 2.6e6)
    # Sparse pattern: 1 bolt/m, overhead 0.25 + 10/6: t <= (8.1269 - 23/12) * 2 = 12.42 min.
    sparse = max_time_per_bolt(2.6e6, 6, ProductionInputs(bolts_per_row=2, row_spacing_m=2.0))
    close("2 per row: max time per bolt, 2.6 Mt, 6 units", sparse.max_time_per_bolt_min,
          (21130065 / 2.6e6 - 23 / 12) * 2)
    # With 5 units the allowed cycle is 3,521,677.5 * 5 / 2.6e6 = 6.77 min/m < 7.0 min/m of
    # mining: no bolting time meets it.
    five = max_time_per_bolt(2.6e6, 5, ProductionInputs())
    holds("5 units: unreachable, mining named", five.max_time_per_bolt_min is None and "mining" in five.explanation,
          five.explanation[:60])
    close("  allowed cycle with 5 units (min/m)", five.allowed_cycle_min_per_m, 3521677.5 * 5 / 2.6e6)


def dry_and_wet():
    """Wet tonnes = dry / (1 - moisture), wherever tonnes are reported."""
    print("== Dry vs wet tonnes")
    r = estimate()
    # 753.3 dry t per unit-shift / 0.75 = 1004.4 wet t; 497,178 / 0.75 = 662,904 wet t per year
    close("wet t per metre (18 / 0.75)", r.wet_t_per_m, 24.0)
    close("wet t per unit-shift (753.3 / 0.75)", r.wet_t_per_unit_shift, 1004.4)
    close("wet t per year per unit (497,178 / 0.75)", r.wet_t_per_year_per_unit, 662904.0)
    wet_ore = estimate(ProductionInputs(moisture_fraction=0.38))
    close("moisture 0.38: wet t per metre (18 / 0.62)", wet_ore.wet_t_per_m, 18 / 0.62)
    close("moisture 0.38: wet/dry per unit-shift (1 / 0.62)",
          wet_ore.wet_t_per_unit_shift / wet_ore.dry_t_per_unit_shift, 1 / 0.62)
    dry_ore = estimate(ProductionInputs(moisture_fraction=0.0))
    close("moisture 0: wet t = dry t per year", dry_ore.wet_t_per_year_per_unit, dry_ore.dry_t_per_year_per_unit)


def bad_input():
    """Each bad value raises ProductionInputError naming the parameter; the CLI exits 2."""
    print("== Bad input")
    cases = [("drill_rate_m_per_min", dict(drill_rate_m_per_min=-1.0), "-1"),
             ("availability", dict(availability=1.2), "1.2"),
             ("moisture_fraction", dict(moisture_fraction=1.0), "1.0"),
             ("lost_time_min", dict(lost_time_min=600.0), "600")]
    for name, values, given in cases:
        try:
            ProductionInputs(**values)
            holds(f"{name} rejected", False, "no error raised")
        except ProductionInputError as error:
            message = str(error)
            holds(f"{name} rejected", name in message and given in message and "expected" in message, message)
    for name, values, given in cases:
        setting = f"{name}={next(iter(values.values()))}"
        proc = subprocess.run([sys.executable, SCRIPT, "--set", setting], capture_output=True, text=True)
        holds(f"CLI --set {setting}: exit 2, message, no traceback",
              proc.returncode == 2 and name in proc.stderr and given in proc.stderr
              and "Traceback" not in proc.stderr, f"exit {proc.returncode}: {proc.stderr.strip()}")


def cli(work):
    """The CLI's JSON agrees with scenario A; --assumptions lists every input."""
    print("== CLI")
    out = os.path.join(work, "production.json")
    proc = subprocess.run([sys.executable, SCRIPT, "--bolts-per-row", "4", "--row-spacing", "1.2",
                           "--bolt-length", "1.8", "--json", out], capture_output=True, text=True)
    holds("CLI exit 0 and report printed", proc.returncode == 0 and "bottleneck" in proc.stdout,
          f"exit {proc.returncode} {proc.stderr.strip()}")
    with open(out) as f:
        written = json.load(f)
    close("JSON dry t per year per unit", written["dry_t_per_year_per_unit"], 497178.0)
    listing = subprocess.run([sys.executable, SCRIPT, "--assumptions"], capture_output=True, text=True).stdout
    missing = [name for name in ProductionInputs.__dataclass_fields__ if f"| {name} |" not in listing]
    holds("--assumptions lists every input", not missing, ", ".join(missing))


def png_size(path):
    with open(path, "rb") as f:
        header = f.read(24)
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", header[16:24])


def check_tornado(work):
    """A PNG of the asked size; the largest swing first. Bolting is the bottleneck in
    scenario A, so dry t/yr is proportional to efficiency: over its published range
    0.60-0.85 it gives 497,178 * 0.60/0.75 = 397,742.4 and 497,178 * 0.85/0.75 = 563,468.4,
    a 33 % swing, larger than any other input's."""
    print("== Tornado")
    path = os.path.join(work, "tornado.png")
    if os.path.exists(path):
        os.remove(path)
    rows = tornado(ProductionInputs(), path, size_px=(800, 480))
    size = png_size(path)
    holds("PNG written, 800 x 480 pixels", os.path.getsize(path) > 0 and size == (800, 480), str(size))
    swings = [row.swing for row in rows]
    holds("rows sorted by swing, largest first", swings == sorted(swings, reverse=True),
          f"first {rows[0].name} {swings[0]:,.0f}")
    holds("efficiency has the largest swing", rows[0].name == "efficiency", rows[0].name)
    close("efficiency 0.60: dry t/yr per unit", rows[0].metric_low, 397742.4)
    close("efficiency 0.85: dry t/yr per unit", rows[0].metric_high, 563468.4)


def main():
    work = scratch("production")
    scenario_a()
    scenario_b()
    inverse()
    dry_and_wet()
    bad_input()
    cli(work)
    check_tornado(work)
    if failures:
        raise SystemExit("FAILED production model: " + ", ".join(failures))
    print("PASSED production model")


main()
