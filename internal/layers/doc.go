// Package layers holds no code: its test checks that the import graph of
// the module obeys the layers that DESIGN.md draws (the fenced block marked
// "layers" there). A package may import only packages of a lower layer;
// every package of the module must be placed in a layer, and every package
// the block names must exist. DESIGN.md is the one place the rule is
// written, so the page and the code cannot drift apart.
package layers
