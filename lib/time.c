/* libblogdb: timestamps (microseconds since 1970 UTC), ISO 8601 and struct timespec. */
#include "internal.h"

#include <stdio.h>

/* ---- timestamps ----------------------------------------------------------------- */

#define US_PER_SEC INT64_C(1000000)
#define US_PER_DAY INT64_C(86400000000)

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    int64_t era;
    unsigned doe, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

blogdb_timestamp blogdb_timestamp_from_timespec(struct timespec ts)
{
    return (int64_t)ts.tv_sec * US_PER_SEC + ts.tv_nsec / 1000;
}

struct timespec blogdb_timestamp_to_timespec(blogdb_timestamp t)
{
    struct timespec ts;
    int64_t sec = t / US_PER_SEC, us = t % US_PER_SEC;
    if (us < 0) {
        us += US_PER_SEC;
        sec--;
    }
    ts.tv_sec = (time_t)sec;
    ts.tv_nsec = (long)(us * 1000);
    return ts;
}

blogdb_timestamp blogdb_timestamp_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return blogdb_timestamp_from_timespec(ts);
}

int blogdb_timestamp_format(blogdb_timestamp t, char *buf, size_t size)
{
    int64_t days, rem, y;
    unsigned m, d;
    int n;
    if (!buf || size == 0)
        return BLOGDB_EINVAL;
    if (t == INT64_MAX || t == INT64_MIN) {
        n = snprintf(buf, size, "%s", t == INT64_MAX ? "infinity" : "-infinity");
        return n < 0 || (size_t)n >= size ? BLOGDB_EINVAL : 0;
    }
    days = t / US_PER_DAY;
    rem = t % US_PER_DAY;
    if (rem < 0) {
        rem += US_PER_DAY;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    {
        int hh = (int)(rem / (3600 * US_PER_SEC)), mm = (int)(rem / (60 * US_PER_SEC) % 60),
            ss = (int)(rem / US_PER_SEC % 60), us = (int)(rem % US_PER_SEC);
        if (us)
            n = snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%06dZ", (long long)y, m, d, hh, mm, ss, us);
        else
            n = snprintf(buf, size, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d, hh, mm, ss);
    }
    if (n < 0 || (size_t)n >= size) {
        buf[0] = '\0';
        return BLOGDB_EINVAL;
    }
    return 0;
}

/* Reads exactly n digits. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

int blogdb_timestamp_parse(const char *text, blogdb_timestamp *out)
{
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = text;
    int y, mo, d, hh = 0, mi = 0, ss = 0, frac = 0, off = 0;
    bool leap;
    if (!text || !out)
        return BLOGDB_EINVAL;
    if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' || !digits(&p, 2, &d))
        return BLOGDB_EINVAL;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > mdays[mo - 1] + (mo == 2 && leap))
        return BLOGDB_EINVAL;
    if (*p == 'T' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &hh) || *p++ != ':' || !digits(&p, 2, &mi))
            return BLOGDB_EINVAL;
        if (*p == ':') {
            p++;
            if (!digits(&p, 2, &ss))
                return BLOGDB_EINVAL;
            if (*p == '.' || *p == ',') {
                int scale = 100000, nd = 0;
                p++;
                while (*p >= '0' && *p <= '9') {
                    if (nd < 6)
                        frac += (*p - '0') * scale;
                    scale /= 10;
                    nd++;
                    p++;
                }
                if (nd == 0)
                    return BLOGDB_EINVAL;
            }
        }
        if (hh > 23 || mi > 59 || ss > 59)
            return BLOGDB_EINVAL;
        if (*p == 'Z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
            if (!digits(&p, 2, &oh))
                return BLOGDB_EINVAL;
            if (*p == ':')
                p++;
            if (*p >= '0' && *p <= '9' && !digits(&p, 2, &om))
                return BLOGDB_EINVAL;
            if (oh > 23 || om > 59)
                return BLOGDB_EINVAL;
            off = sign * (oh * 60 + om);
        }
    }
    if (*p != '\0')
        return BLOGDB_EINVAL;
    *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * US_PER_DAY +
           ((int64_t)hh * 3600 + mi * 60 + ss - (int64_t)off * 60) * US_PER_SEC + frac;
    return 0;
}
