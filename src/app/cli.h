// The command line: parses argv and runs the chosen command.
#pragma once

namespace ecoute::app {
// Returns the process exit status (0 ok, 1 failure, 2 usage, 130 interrupted).
int Main(int argc, char** argv);
}  // namespace ecoute::app
