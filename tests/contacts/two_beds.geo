// Two 0.5 m beds over 10 m with a 1 cm contact layer between them, meshed
// with quadrilaterals (transfinite + recombine): the Gmsh form of
// two_beds.prm's built-in layered block. The contact is the physical
// surface "parting", one cell thick; its thickness must be the contact
// unit's Layer thickness (`contact` below; roofspan checks it).
// Physical groups: "lower_bed", "parting", "upper_bed"; "left_rib", "right_rib".
L = 10; t = 0.5;
DefineConstant[ contact = 0.01, along = 161, across = 9 ];
y[] = {0, t, t + contact, 2 * t + contact};
For i In {0:3}
  Point(1 + 2 * i) = {0, y[i], 0};
  Point(2 + 2 * i) = {L, y[i], 0};
  Line(10 + i) = {1 + 2 * i, 2 + 2 * i};       // horizontal at y[i]
  Transfinite Curve{10 + i} = along;
EndFor
For i In {0:2}
  Line(20 + i) = {1 + 2 * i, 3 + 2 * i};       // left, from y[i] to y[i+1]
  Line(30 + i) = {2 + 2 * i, 4 + 2 * i};       // right
  Curve Loop(40 + i) = {10 + i, 30 + i, -(11 + i), -(20 + i)};
  Plane Surface(50 + i) = {40 + i};
  Transfinite Curve{20 + i, 30 + i} = (i == 1) ? 2 : across;
  Transfinite Surface{50 + i};
  Recombine Surface{50 + i};
EndFor
Physical Surface("lower_bed") = {50};
Physical Surface("parting") = {51};
Physical Surface("upper_bed") = {52};
Physical Curve("left_rib") = {20, 21, 22};
Physical Curve("right_rib") = {30, 31, 32};
