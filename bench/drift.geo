// The peer-comparison drift (issue 16): a layered half model with a drift
// through it, hexahedra only (transfinite, recombined, extruded along the
// drift), read by roofspan (bench/drift.prm) and by the FEniCSx peer
// (bench/peer_fenicsx_drift.py) alike.
//   x 0-12 m (x = 0: symmetry plane through the drift axis), y 0-4 m along
//   the drift, z -8 to 12 m; drift x 0-2.25 m (4.5 m span), z 0-3 m.
//   Layers: sandstone below z = 0, clay 0-3, breccia 3-5, sandstone above.
// Cell size h (about): gmsh -3 -setnumber h 0.2 drift.geo -format msh2
// (h = 0.2 m: about 117k cells; h = 0.125 m: about 470k cells).
If (!Exists(h))
  h = 0.2;
EndIf
xs[] = {0, 2.25, 12};
zs[] = {-8, 0, 3, 5, 12};
length = 4;
For j In {0:4}
  For i In {0:2}
    Point(1 + i + 3 * j) = {xs[i], 0, zs[j]};
  EndFor
EndFor
For j In {0:4}
  For i In {0:1}
    Line(100 + i + 2 * j) = {1 + i + 3 * j, 2 + i + 3 * j};
    Transfinite Curve{100 + i + 2 * j} = Ceil((xs[i + 1] - xs[i]) / h) + 1;
  EndFor
EndFor
For j In {0:3}
  For i In {0:2}
    Line(200 + i + 3 * j) = {1 + i + 3 * j, 1 + i + 3 * (j + 1)};
    Transfinite Curve{200 + i + 3 * j} = Ceil((zs[j + 1] - zs[j]) / h) + 1;
  EndFor
EndFor
bottom[] = {}; top[] = {}; x_min[] = {}; x_max[] = {}; y_min[] = {}; y_max[] = {};
drift[] = {};
floor_rock[] = {}; clay[] = {}; breccia[] = {}; roof_rock[] = {};
For j In {0:3}
  For i In {0:1}
    If (i != 0 || j != 1)
      s = 300 + i + 2 * j;
      Curve Loop(s) = {100 + i + 2 * j, 200 + i + 1 + 3 * j, -(100 + i + 2 * (j + 1)), -(200 + i + 3 * j)};
      Plane Surface(s) = {s};
      Transfinite Surface{s};
      Recombine Surface{s};
      out[] = Extrude {0, length, 0} { Surface{s}; Layers{Ceil(length / h)}; Recombine; };
      // out: [0] the face at y = length, [1] the volume, [2..5] the faces
      // swept by the loop's edges: z = zs[j], x = xs[i+1], z = zs[j+1], x = xs[i].
      y_min[] += {s}; y_max[] += {out[0]};
      If (j == 0) bottom[] += {out[2]}; EndIf
      If (j == 3) top[] += {out[4]}; EndIf
      If (i == 1) x_max[] += {out[3]}; EndIf
      If (i == 0) x_min[] += {out[5]}; EndIf
      // Faces of the drift: its roof (z = 3 under breccia), its rib (x = 2.25
      // beside clay) and its floor (z = 0 over sandstone).
      If (i == 0 && j == 2) drift[] += {out[2]}; EndIf
      If (i == 1 && j == 1) drift[] += {out[5]}; EndIf
      If (i == 0 && j == 0) drift[] += {out[4]}; EndIf
      If (j == 0) floor_rock[] += {out[1]}; EndIf
      If (j == 1) clay[] += {out[1]}; EndIf
      If (j == 2) breccia[] += {out[1]}; EndIf
      If (j == 3) roof_rock[] += {out[1]}; EndIf
    EndIf
  EndFor
EndFor
Physical Volume("sandstone_floor") = {floor_rock[]};
Physical Volume("clay") = {clay[]};
Physical Volume("breccia") = {breccia[]};
Physical Volume("sandstone_roof") = {roof_rock[]};
Physical Surface("bottom") = {bottom[]};
Physical Surface("top") = {top[]};
Physical Surface("x_min") = {x_min[]};
Physical Surface("x_max") = {x_max[]};
Physical Surface("y_min") = {y_min[]};
Physical Surface("y_max") = {y_max[]};
Physical Surface("drift") = {drift[]};
