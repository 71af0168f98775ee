#include "app/cli.h"
#include "text/text.h"

int main(int argc, char** argv) {
  ecoute::text::TuneAllocatorForLanguageId();  // process-wide malloc setting; see text.h
  return ecoute::app::Main(argc, argv);
}
