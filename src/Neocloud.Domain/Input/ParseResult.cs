namespace Neocloud.Domain.Input;

/// <summary>Input read into a value, or the fields that made it unreadable: what every reader of outside input returns.</summary>
public readonly record struct ParseResult<T>
{
    private ParseResult(T? value, FieldErrors? errors)
    {
        Value = value;
        Errors = errors;
    }

    /// <summary>The value read, when <see cref="Success"/>.</summary>
    public T? Value { get; }

    /// <summary>What is wrong, when not <see cref="Success"/>.</summary>
    public FieldErrors? Errors { get; }

    /// <summary>True when the input was read.</summary>
    public bool Success => Errors is null;

    /// <summary>A value read.</summary>
    public static ParseResult<T> Ok(T value) => new(value, null);

    /// <summary>Input that could not be read.</summary>
    public static ParseResult<T> Failed(FieldErrors errors) => new(default, errors.IsEmpty ? throw new ArgumentException("no errors", nameof(errors)) : errors);

    /// <summary>Input with one bad field.</summary>
    public static ParseResult<T> Failed(string field, string message) => new(default, FieldErrors.Of(field, message));

    /// <summary>The value, or an exception naming the first bad field (for input the caller knows is good, such as an embedded preset).</summary>
    public T ValueOrThrow() => Success ? Value! : throw new InvalidDataException(Errors!.Summary);

    public static implicit operator ParseResult<T>(FieldErrors errors) => Failed(errors);
}
