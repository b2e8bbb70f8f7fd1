using System.Globalization;
using NodaTime;

namespace ServiceDesk.Sla;

/// <summary>Parses and formats the wall-clock times and dates of JSON definitions.</summary>
internal static class TimeText
{
    internal const string TimeExpectation = "expected HH:mm or HH:mm:ss from 00:00 to 24:00";

    /// <summary>Formats a time as <c>HH:mm</c> (or <c>HH:mm:ss</c> when it has seconds).</summary>
    /// <param name="time">The time.</param>
    /// <param name="asEnd">Whether midnight is an end, written <c>24:00</c>.</param>
    internal static string Format(LocalTime time, bool asEnd)
    {
        if (asEnd && time == LocalTime.Midnight)
        {
            return "24:00";
        }

        return time.Second == 0 && time.TickOfSecond == 0
            ? time.ToString("HH':'mm", CultureInfo.InvariantCulture)
            : time.ToString("HH':'mm':'ss", CultureInfo.InvariantCulture);
    }

    /// <summary>Parses <c>HH:mm</c> or <c>HH:mm:ss</c>; <c>24:00</c> parses as midnight with <paramref name="is24"/> set.</summary>
    internal static bool TryParseTime(string? text, out LocalTime time, out bool is24)
    {
        time = default;
        is24 = false;
        if (text is null || (text.Length != 5 && text.Length != 8) || text[2] != ':' || (text.Length == 8 && text[5] != ':'))
        {
            return false;
        }

        if (!TwoDigits(text, 0, out var hour) || !TwoDigits(text, 3, out var minute))
        {
            return false;
        }

        var second = 0;
        if (text.Length == 8 && !TwoDigits(text, 6, out second))
        {
            return false;
        }

        if (hour == 24 && minute == 0 && second == 0)
        {
            is24 = true;
            time = LocalTime.Midnight;
            return true;
        }

        if (hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        time = new LocalTime(hour, minute, second);
        return true;
    }

    /// <summary>Parses an ISO date <c>YYYY-MM-DD</c>: a four-digit year, or a minus and four digits for years before 0000.</summary>
    internal static bool TryParseDate(string? text, out LocalDate date)
    {
        date = default;
        var negative = text is { Length: 11 } && text[0] == '-';
        if (negative)
        {
            text = text![1..];
        }

        if (text is null || text.Length != 10 || text[4] != '-' || text[7] != '-'
            || !TwoDigits(text, 0, out var c) || !TwoDigits(text, 2, out var y)
            || !TwoDigits(text, 5, out var month) || !TwoDigits(text, 8, out var day))
        {
            return false;
        }

        var year = ((c * 100) + y) * (negative ? -1 : 1);
        if (year < -9998 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month))
        {
            return false;
        }

        date = new LocalDate(year, month, day);
        return true;
    }

    /// <summary>Parses a yearly month-day <c>MM-DD</c> (02-29 is accepted).</summary>
    internal static bool TryParseMonthDay(string? text, out AnnualDate monthDay)
    {
        monthDay = default;
        if (text is null || text.Length != 5 || text[2] != '-' || !TwoDigits(text, 0, out var month) || !TwoDigits(text, 3, out var day))
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(2024, month))
        {
            return false;
        }

        monthDay = new AnnualDate(month, day);
        return true;
    }

    internal static string FormatDate(LocalDate date)
        => string.Create(CultureInfo.InvariantCulture, $"{(date.Year < 0 ? "-" : string.Empty)}{Math.Abs(date.Year):0000}-{date.Month:00}-{date.Day:00}");

    internal static string FormatMonthDay(AnnualDate monthDay)
        => string.Create(CultureInfo.InvariantCulture, $"{monthDay.Month:00}-{monthDay.Day:00}");

    private static bool TwoDigits(string text, int index, out int value)
    {
        var a = text[index] - '0';
        var b = text[index + 1] - '0';
        value = (a * 10) + b;
        return a is >= 0 and <= 9 && b is >= 0 and <= 9;
    }
}
