// A homogeneous 45-degree slope of height H = 10 m on a rough rigid base at
// toe level (no foundation layer), crest 22 m (2.2 H) wide: the slope of
// the Hoek-Brown strength-reduction test against Li, Merifield & Lyamin's
// (2008) stability charts (tests/plasticity/check_hoek_brown_slope.py).
// Plane strain. Physical groups as meshes/slope.geo's: region "slope soil";
// boundaries "base", "right" (the slope face and crest, "surface", are free).
h = 1;
H = 10;
Point(1) = {0, 0, 0, h};
Point(2) = {32, 0, 0, h};
Point(3) = {32, H, 0, h};
Point(4) = {H, H, 0, h};   // 45 degrees: the crest edge is H from the toe
Line(1) = {1, 2};
Line(2) = {2, 3};
Line(3) = {3, 4};
Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
// Structured, as meshes/slope.geo: `divisions` cells over the height (and
// along the face), twice as many along the base and the crest (set it with
// gmsh -setnumber divisions N).
If (!Exists(divisions))
  divisions = 20;
EndIf
Transfinite Curve {1, 3} = 2 * divisions + 1;
Transfinite Curve {2, 4} = divisions + 1;
Transfinite Surface {1};
Recombine Surface {1};
Physical Surface("slope soil") = {1};
Physical Curve("base") = {1};
Physical Curve("right") = {2};
Physical Curve("surface") = {3, 4};
