/* libblogdb: password hashing (Argon2id, libsodium). */
#include "internal.h"

#include <sodium.h>
#include <string.h>

int blogdb_password_hash(char *out, size_t size, const char *password)
{
    if (!out || !password || size < crypto_pwhash_STRBYTES)
        return BLOGDB_EINVAL;
    if (sodium_init() < 0)
        return BLOGDB_ENOMEM;
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return BLOGDB_ENOMEM; /* libsodium's only failure here: it could not get the memory */
    return 0;
}

int blogdb_password_verify(const char *hash, const char *password)
{
    if (!hash || !password || strncmp(hash, "$argon2id$", 10) != 0 || strlen(hash) >= crypto_pwhash_STRBYTES)
        return BLOGDB_EINVAL;
    if (sodium_init() < 0)
        return BLOGDB_ENOMEM;
    /* -1: not a well-formed Argon2id string (bad parameters, salt or hash encoding). */
    if (crypto_pwhash_str_needs_rehash(hash, crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) < 0)
        return BLOGDB_EINVAL;
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0 ? 0 : BLOGDB_EMISMATCH;
}
