#include <libxml/xmlversion.h>
/* libxml2 is built with ICU, and its encoding header would pull in the system ICU headers, which
   clash with the ICU that Foundation bundles. TicketLens never touches the encoding handler
   structure that ICU changes, so the ICU part is left out of these declarations. */
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>

/* xmlFree is a global function pointer, which Swift 6 treats as shared mutable state. */
static inline void ticketlens_xml_free(void *p) { xmlFree(p); }
