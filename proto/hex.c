/* hex.c - lowercase hexadecimal (see hex.h). */
#include "hex.h"

static const char hex_digits[] = "0123456789abcdef";

void dbd_hex_encode(const void *raw, size_t n, char *out)
{
    const unsigned char *p = raw;
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex_digits[p[i] >> 4];
        out[2 * i + 1] = hex_digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

bool dbd_hex_decode(const char *hex, size_t n, void *raw)
{
    unsigned char *out = raw;
    for (size_t i = 0; i < 2 * n; i++)
        if (hex_value(hex[i]) < 0)
            return false;
    for (size_t i = 0; i < n; i++)
        out[i] = (unsigned char)(hex_value(hex[2 * i]) << 4 |
                                 hex_value(hex[2 * i + 1]));
    return true;
}
