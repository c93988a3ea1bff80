using Microsoft.EntityFrameworkCore.Migrations;

namespace BookingSystem.InventoryService.Data.Migrations;

/// <summary>
/// The unlogged table behind <see cref="Data.KeyLocks"/>: a transaction's key locks are index entries of rows it
/// inserted and deleted, so it never holds live rows.
/// </summary>
public partial class KeyLocks : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "key_locks",
            columns: table => new
            {
                lock_key = table.Column<long>(type: "bigint", nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_key_locks", x => x.lock_key))
            .Annotation("Npgsql:UnloggedTable", true);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "key_locks");
}
