using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Data;

public sealed class InventoryDbContext(DbContextOptions<InventoryDbContext> options) : DbContext(options)
{
    public const int KeyMaxLength = 64;

    public DbSet<InventoryItem> Items => Set<InventoryItem>();

    public DbSet<Reservation> Reservations => Set<Reservation>();

    public DbSet<ReservationLine> ReservationLines => Set<ReservationLine>();

    public DbSet<StockAdjustment> StockAdjustments => Set<StockAdjustment>();

    public DbSet<ItemNight> ItemNights => Set<ItemNight>();

    public DbSet<CalendarChange> CalendarChanges => Set<CalendarChange>();

    public DbSet<PaymentOutcome> PaymentOutcomes => Set<PaymentOutcome>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<InboxMessage> InboxMessages => Set<InboxMessage>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InventoryItem>(item =>
        {
            item.ToTable("inventory_items", t =>
            {
                t.HasCheckConstraint("ck_inventory_items_reserved_within_total", "reserved >= 0 AND reserved <= total");
                t.HasCheckConstraint("ck_inventory_items_low_stock_threshold", "low_stock_threshold >= 0");
                t.HasCheckConstraint("ck_inventory_items_kind",
                    "(kind = 'Pool' AND time_zone IS NULL) OR (kind = 'Nightly' AND time_zone IS NOT NULL)");
            });
            item.HasKey(i => i.Id);
            // The business key: unique, and what reservation lines and adjustments point at.
            item.HasAlternateKey(i => i.ItemId);
            item.Property(i => i.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            item.Property(i => i.ItemId).HasColumnName("item_id").HasMaxLength(KeyMaxLength);
            item.Property(i => i.Name).HasColumnName("name").HasMaxLength(200);
            item.Property(i => i.Location).HasColumnName("location").HasMaxLength(100).HasDefaultValue(InventoryItem.DefaultLocation);
            item.HasIndex(i => i.Location);
            item.Property(i => i.Kind).HasColumnName("kind").HasConversion<string>().HasMaxLength(16)
                .HasDefaultValue(ItemKind.Pool).HasSentinel((ItemKind)(-1));
            item.Property(i => i.TimeZone).HasColumnName("time_zone").HasMaxLength(64);
            item.Property(i => i.Total).HasColumnName("total");
            item.Property(i => i.Reserved).HasColumnName("reserved");
            item.Property(i => i.Available).HasColumnName("available").HasComputedColumnSql("total - reserved", stored: true);
            item.Property(i => i.LowStockThreshold).HasColumnName("low_stock_threshold");
            item.Property(i => i.LowStockAlerted).HasColumnName("low_stock_alerted").HasDefaultValue(false);
            item.Property(i => i.Version).IsRowVersion();
            item.Property(i => i.CreatedAt).HasColumnName("created_at");
            item.Property(i => i.UpdatedAt).HasColumnName("updated_at");
        });

        modelBuilder.Entity<Reservation>(reservation =>
        {
            reservation.ToTable("reservations");
            reservation.HasKey(r => r.Id);
            reservation.Property(r => r.Id).HasColumnName("id").ValueGeneratedNever();
            reservation.Property(r => r.BookingId).HasColumnName("booking_id").HasMaxLength(KeyMaxLength);
            reservation.HasIndex(r => r.BookingId);
            // The identity of a reservation: its booking id in the namespace of its origin (BookingKey).
            reservation.Property(r => r.Key).HasColumnName("booking_key").HasMaxLength(BookingKey.MaxLength);
            reservation.HasIndex(r => r.Key).IsUnique();
            reservation.Property(r => r.Origin).HasColumnName("origin").HasConversion<string>().HasMaxLength(16)
                .HasDefaultValue(ReservationOrigin.Message).HasSentinel((ReservationOrigin)(-1));
            reservation.Property(r => r.UserId).HasColumnName("user_id").HasMaxLength(KeyMaxLength);
            // The per-user cap counts a user's active HTTP holds.
            reservation.HasIndex(r => r.UserId).HasFilter("status = 'Reserved' AND origin = 'Http'");
            reservation.Property(r => r.Status).HasColumnName("status").HasConversion<string>().HasMaxLength(16);
            reservation.Property(r => r.CreatedAt).HasColumnName("created_at");
            reservation.Property(r => r.ExpiresAt).HasColumnName("expires_at");
            // The sweeper's query: active holds by expiry.
            reservation.HasIndex(r => r.ExpiresAt).HasFilter("status = 'Reserved'");
            reservation.Property(r => r.ConfirmedAt).HasColumnName("confirmed_at");
            reservation.Property(r => r.ReleasedAt).HasColumnName("released_at");
            reservation.Property(r => r.ReleaseReason).HasColumnName("release_reason").HasConversion<string>().HasMaxLength(16);
            reservation.Property(r => r.CorrelationId).HasColumnName("correlation_id").HasMaxLength(KeyMaxLength);
            reservation.Property(r => r.Version).IsRowVersion();
            reservation.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.ReservationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ReservationLine>(line =>
        {
            line.ToTable("reservation_lines", t =>
            {
                t.HasCheckConstraint("ck_reservation_lines_quantity_positive", "quantity > 0");
                t.HasCheckConstraint("ck_reservation_lines_stay",
                    "(check_in IS NULL AND check_out IS NULL) OR check_out > check_in");
            });
            line.HasKey(l => l.Id);
            line.Property(l => l.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            line.Property(l => l.ReservationId).HasColumnName("reservation_id");
            line.Property(l => l.ItemId).HasColumnName("item_id").HasMaxLength(KeyMaxLength);
            line.Property(l => l.Quantity).HasColumnName("quantity");
            line.Property(l => l.CheckIn).HasColumnName("check_in");
            line.Property(l => l.CheckOut).HasColumnName("check_out");
            line.Property(l => l.OverbookedNights).HasColumnName("overbooked_nights");
            line.HasOne<InventoryItem>().WithMany().HasForeignKey(l => l.ItemId).HasPrincipalKey(i => i.ItemId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<StockAdjustment>(adjustment =>
        {
            adjustment.ToTable("stock_adjustments", t => t.HasCheckConstraint("ck_stock_adjustments_delta_nonzero", "delta <> 0"));
            adjustment.HasKey(a => a.Id);
            adjustment.Property(a => a.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            adjustment.Property(a => a.ItemId).HasColumnName("item_id").HasMaxLength(KeyMaxLength);
            adjustment.HasIndex(a => new { a.ItemId, a.OccurredAt });
            adjustment.Property(a => a.Delta).HasColumnName("delta");
            adjustment.Property(a => a.ReasonCode).HasColumnName("reason_code").HasConversion<string>().HasMaxLength(32);
            adjustment.Property(a => a.Note).HasColumnName("note").HasMaxLength(500);
            adjustment.Property(a => a.PerformedBy).HasColumnName("performed_by").HasMaxLength(KeyMaxLength * 2);
            adjustment.Property(a => a.OccurredAt).HasColumnName("occurred_at");
            adjustment.Property(a => a.TotalAfter).HasColumnName("total_after");
            adjustment.HasOne<InventoryItem>().WithMany().HasForeignKey(a => a.ItemId).HasPrincipalKey(i => i.ItemId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ItemNight>(night =>
        {
            night.ToTable("item_nights", t =>
            {
                t.HasCheckConstraint("ck_item_nights_within_capacity",
                    "held >= 0 AND confirmed >= 0 AND held + confirmed <= capacity + overbooking_allowance");
                t.HasCheckConstraint("ck_item_nights_settings",
                    "capacity >= 0 AND overbooking_allowance >= 0 AND min_stay >= 1");
            });
            // Room on each page for a night's next version, so that counter updates stay heap-only (HOT: no new
            // index entry); nights are inserted in bulk, which fills pages completely at the default of 100.
            night.ToTable("item_nights").HasStorageParameter("fillfactor", 80);
            // The lock order of a stay's nights: (item, night).
            night.HasKey(n => new { n.ItemId, n.Night });
            night.Property(n => n.ItemId).HasColumnName("item_id").HasMaxLength(KeyMaxLength);
            night.Property(n => n.Night).HasColumnName("night");
            night.Property(n => n.Capacity).HasColumnName("capacity");
            night.Property(n => n.Held).HasColumnName("held");
            night.Property(n => n.Confirmed).HasColumnName("confirmed");
            night.Property(n => n.Closed).HasColumnName("closed");
            night.Property(n => n.MinStay).HasColumnName("min_stay");
            night.Property(n => n.OverbookingAllowance).HasColumnName("overbooking_allowance");
            night.Property(n => n.LowStockAlerted).HasColumnName("low_stock_alerted");
            night.Property(n => n.UpdatedAt).HasColumnName("updated_at");
            night.Ignore(n => n.Available);
            night.Ignore(n => n.Overbooked);
            night.HasOne<InventoryItem>().WithMany().HasForeignKey(n => n.ItemId).HasPrincipalKey(i => i.ItemId)
                .OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<CalendarChange>(change =>
        {
            change.ToTable("calendar_changes");
            change.HasKey(c => c.Id);
            change.Property(c => c.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            change.Property(c => c.ItemId).HasColumnName("item_id").HasMaxLength(KeyMaxLength);
            change.HasIndex(c => new { c.ItemId, c.OccurredAt });
            change.Property(c => c.From).HasColumnName("from_night");
            change.Property(c => c.To).HasColumnName("to_night");
            change.Property(c => c.Request).HasColumnName("request").HasColumnType("jsonb");
            change.Property(c => c.Nights).HasColumnName("nights").HasColumnType("jsonb");
            change.Property(c => c.ReasonCode).HasColumnName("reason_code").HasConversion<string>().HasMaxLength(32);
            change.Property(c => c.Note).HasColumnName("note").HasMaxLength(500);
            change.Property(c => c.PerformedBy).HasColumnName("performed_by").HasMaxLength(KeyMaxLength * 2);
            change.Property(c => c.OccurredAt).HasColumnName("occurred_at");
            change.HasOne<InventoryItem>().WithMany().HasForeignKey(c => c.ItemId).HasPrincipalKey(i => i.ItemId)
                .OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<PaymentOutcome>(outcome =>
        {
            outcome.ToTable("payment_outcomes");
            outcome.HasKey(o => o.BookingId);
            outcome.Property(o => o.BookingId).HasColumnName("booking_id").HasMaxLength(KeyMaxLength);
            outcome.Property(o => o.Result).HasColumnName("result").HasConversion<string>().HasMaxLength(16);
            outcome.Property(o => o.EventId).HasColumnName("event_id").HasMaxLength(KeyMaxLength);
            outcome.Property(o => o.CorrelationId).HasColumnName("correlation_id").HasMaxLength(KeyMaxLength);
            outcome.Property(o => o.ReceivedAt).HasColumnName("received_at");
            // The sweeper's query: outcomes still waiting for their booking, oldest first.
            outcome.HasIndex(o => o.ReceivedAt).HasFilter("applied_at IS NULL");
            outcome.Property(o => o.AppliedAt).HasColumnName("applied_at");
        });

        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable("outbox_messages");
            message.HasKey(m => m.Id);
            message.Property(m => m.Id).HasColumnName("id").UseIdentityAlwaysColumn();
            message.Property(m => m.EventId).HasColumnName("event_id").HasMaxLength(KeyMaxLength);
            message.HasIndex(m => m.EventId).IsUnique();
            message.Property(m => m.EventType).HasColumnName("event_type").HasMaxLength(KeyMaxLength);
            message.Property(m => m.RoutingKey).HasColumnName("routing_key").HasMaxLength(KeyMaxLength);
            message.Property(m => m.CorrelationId).HasColumnName("correlation_id").HasMaxLength(KeyMaxLength);
            message.Property(m => m.CausationId).HasColumnName("causation_id").HasMaxLength(KeyMaxLength);
            message.Property(m => m.Payload).HasColumnName("payload");
            message.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(KeyMaxLength * 2);
            message.Property(m => m.OccurredAt).HasColumnName("occurred_at");
            message.Property(m => m.SentAt).HasColumnName("sent_at");
            // The dispatcher's query: unsent rows in order.
            message.HasIndex(m => m.Id).HasDatabaseName("IX_outbox_messages_unsent").HasFilter("sent_at IS NULL");
            message.Property(m => m.Attempts).HasColumnName("attempts");
            message.Property(m => m.LastError).HasColumnName("last_error").HasMaxLength(1000);
            message.Property(m => m.ClaimedUntil).HasColumnName("claimed_until");
        });

        modelBuilder.Entity<InboxMessage>(message =>
        {
            message.ToTable("inbox_messages");
            message.HasKey(m => new { m.Consumer, m.EventId });
            message.Property(m => m.Consumer).HasColumnName("consumer").HasMaxLength(KeyMaxLength * 2);
            message.Property(m => m.EventId).HasColumnName("event_id").HasMaxLength(KeyMaxLength);
            message.Property(m => m.ProcessedAt).HasColumnName("processed_at");
            // The retention query: the oldest rows first.
            message.HasIndex(m => m.ProcessedAt);
        });

        // Only KeyLocks' raw SQL touches it. Unlogged: nothing in it needs to survive a crash or reach a replica (a
        // crash ends the transactions that held the keys), and it costs no WAL.
        modelBuilder.Entity<KeyLock>(keyLock =>
        {
            keyLock.ToTable("key_locks").IsUnlogged();
            keyLock.HasKey(k => k.LockKey);
            keyLock.Property(k => k.LockKey).HasColumnName("lock_key").ValueGeneratedNever();
        });
    }
}
