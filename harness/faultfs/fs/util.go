package main

import "os"

func removeQuiet(p string) { _ = os.Remove(p) }
