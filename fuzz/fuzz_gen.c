/* libFuzzer target over the whole generator: the CLI's input checks, parse (libpg_query),
 * replay into the model, --dump-model JSON, and the C emitter. Any crash, sanitizer report
 * or leak is a bug; rejected input (an error message) is fine. */
#include "../codegen/gen.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    gen_model model;
    source src;
    diag_quiet = true;
    memcpy(text, data, size);
    text[size] = '\0';
    src.path = "fuzz.sql";
    src.text = text;
    src.len = strlen(text); /* the CLI rejects NUL bytes; here the text simply ends there */
    model_init(&model);
    if (utf8_invalid_at((const unsigned char *)text, src.len) < 0) {
        blank_meta_commands(text, src.len);
        if (parse_sql(&model, &src) == 0) {
            strbuf json, hdr, impl;
            namereg made = {0};
            sb_init(&json);
            sb_init(&hdr);
            sb_init(&impl);
            model_dump_json(&model, &json);
            emit_c(&model, "fuzz", "fuzz.sql", &made, &hdr, &impl);
            namereg_free(&made);
            sb_free(&json);
            sb_free(&hdr);
            sb_free(&impl);
        }
    }
    model_free(&model);
    free(text);
    return 0;
}
