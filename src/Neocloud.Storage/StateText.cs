using Neocloud.Domain.Input;
using Neocloud.Domain.Offtake;

namespace Neocloud.Storage;

/// <summary>
/// The text the database keeps for each state, in the same columns as before the states were enums: the spelling the
/// API writes (<see cref="JsonNames"/>). Writes bind this text (Dapper and the batch writers would bind an enum as its
/// integer). Reads let Dapper parse the text, which it does by member name ignoring case ("GTC" is Gtc); the one
/// spelling that is not a member name, "not-awarded", is parsed here.
/// </summary>
public static class StateText
{
    /// <summary>The stored text of a state.</summary>
    public static string Text<T>(this T state) where T : struct, Enum => JsonNames.Of(state);

    /// <summary>An offer status as stored.</summary>
    public static OfferStatus ParseOfferStatus(string text) => JsonNames.Parse<OfferStatus>(text);
}
