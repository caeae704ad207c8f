// Griffiths & Lane (1999), Geotechnique 49(3) 387-403, example 1: a
// homogeneous 2:1 slope of height H = 10 m with no foundation layer (depth
// factor D = 1): rough rigid base at toe level, crest 12 m (1.2 H) wide.
// Plane strain. Physical groups: region "slope soil"; boundaries "base",
// "right" (the slope face and crest are free).
h = 1;
Point(1) = {0, 0, 0, h};
Point(2) = {32, 0, 0, h};
Point(3) = {32, 10, 0, h};
Point(4) = {20, 10, 0, h};
Line(1) = {1, 2};
Line(2) = {2, 3};
Line(3) = {3, 4};
Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
// A structured mesh, as Griffiths & Lane used: opposite sides share a count.
// `divisions` cells over the height, twice as many along the base (the test
// of mesh convergence sets it with gmsh -setnumber divisions N).
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
