namespace ServiceDesk.Routing;

/// <summary>A point on the Earth in WGS-84 degrees, for dispatching field engineers by distance.</summary>
/// <remarks>Immutable and thread-safe. Distances are great-circle (haversine) distances on a sphere of radius
/// <see cref="EarthRadiusKilometres"/>; the error against the ellipsoid is below 0.5 %.</remarks>
public readonly record struct GeoPoint
{
    /// <summary>The mean Earth radius used for distances: 6,371.0088 km (IUGG).</summary>
    public const double EarthRadiusKilometres = 6371.0088;

    /// <summary>Initializes a point.</summary>
    /// <param name="latitude">Latitude in degrees, -90 to 90.</param>
    /// <param name="longitude">Longitude in degrees, -180 to 180.</param>
    /// <exception cref="ArgumentOutOfRangeException">A coordinate is out of range or not a number.</exception>
    public GeoPoint(double latitude, double longitude)
    {
        if (!(latitude is >= -90 and <= 90))
        {
            throw new ArgumentOutOfRangeException(nameof(latitude), latitude, "Latitude must be between -90 and 90 degrees.");
        }

        if (!(longitude is >= -180 and <= 180))
        {
            throw new ArgumentOutOfRangeException(nameof(longitude), longitude, "Longitude must be between -180 and 180 degrees.");
        }

        Latitude = latitude;
        Longitude = longitude;
    }

    /// <summary>Gets the latitude in degrees.</summary>
    public double Latitude { get; }

    /// <summary>Gets the longitude in degrees.</summary>
    public double Longitude { get; }

    /// <summary>Returns the great-circle distance to another point.</summary>
    /// <param name="other">The other point.</param>
    /// <returns>The distance in kilometres, 0 to about 20,015.</returns>
    public double DistanceKilometresTo(GeoPoint other)
    {
        const double toRadians = Math.PI / 180;
        var lat1 = Latitude * toRadians;
        var lat2 = other.Latitude * toRadians;
        var dLat = lat2 - lat1;
        var dLon = (other.Longitude - Longitude) * toRadians;
        var sinLat = Math.Sin(dLat / 2);
        var sinLon = Math.Sin(dLon / 2);
        var h = (sinLat * sinLat) + (Math.Cos(lat1) * Math.Cos(lat2) * sinLon * sinLon);
        return 2 * EarthRadiusKilometres * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
