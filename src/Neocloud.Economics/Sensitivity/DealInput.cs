namespace Neocloud.Economics.Sensitivity;

/// <summary>An input of a deal that a scenario can move, and how a factor moves it.</summary>
public enum DealInput
{
    /// <summary>The price per GPU-hour (or the TCV, equivalently).</summary>
    Price,
    /// <summary>The power price in $/MWh.</summary>
    PowerPrice,
    /// <summary>Equipment cost.</summary>
    Equipment,
    /// <summary>Facility cost per MW.</summary>
    Facility,
    /// <summary>Other opex as a fraction of revenue.</summary>
    OtherOpex,
    /// <summary>Residual value as a fraction of equipment.</summary>
    Residual,
    /// <summary>The prepayment fraction.</summary>
    Prepayment,
    /// <summary>Billed utilization (at most 100%).</summary>
    Utilization,
    /// <summary>The annual discount rate.</summary>
    DiscountRate,
}
