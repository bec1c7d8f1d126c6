// Package precompile starts compiling the classification engine's builtin
// identifier table while the rest of the program initialises.
//
// Packages initialise one at a time, in import-path order among those whose
// imports are ready, so this one runs right after the classifiers package
// and before the AWS SDK's endpoint and client packages, which wait for
// net/http: 20-30 ms of initialisers during which the other cores are idle.
// Compiling the table there takes it off the start of every command that
// classifies (cairn classify, cairn scan); a command that does not just
// exits without waiting for it.
package precompile

import "github.com/cairnsec/cairn/classifiers"

func init() { classifiers.Precompile() }
