// A 10 m x 0.5 m roof layer meshed with quadrilaterals (transfinite +
// recombine), for the Gmsh path of the clamped-beam verification.
// Physical groups: region "roof_layer"; boundaries "left_rib", "right_rib",
// "lower_face", "upper_face".
L = 10; t = 0.5;
Point(1) = {0, 0, 0}; Point(2) = {L, 0, 0}; Point(3) = {L, t, 0}; Point(4) = {0, t, 0};
Line(1) = {1, 2}; Line(2) = {2, 3}; Line(3) = {3, 4}; Line(4) = {4, 1};
Curve Loop(1) = {1, 2, 3, 4};
Plane Surface(1) = {1};
Transfinite Curve{1, 3} = 161;
Transfinite Curve{2, 4} = 9;
Transfinite Surface{1};
Recombine Surface{1};
Physical Surface("roof_layer") = {1};
Physical Curve("lower_face") = {1};
Physical Curve("right_rib") = {2};
Physical Curve("upper_face") = {3};
Physical Curve("left_rib") = {4};
